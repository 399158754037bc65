/**
 * The analyzer harness: runs a CrossGuard policy pack as the Pulumi engine does and speaks its
 * protocol. Shared by agent-iam's tests and the offline gate (`agent-iam check`).
 */
export { PolicyPackProcess, PolicyPackError, type PackStack, type StartOptions } from "./process";
export { PackConfigError, reconcilePackConfig, type PackConfig } from "./config";
export { secretValue } from "./wire";
export { ANALYZER_MESSAGE_LIMIT, exceedsMessageLimit, type StackTooLarge } from "./message-limit";
export { UNKNOWN } from "../../model/unknown";
export type {
  AnalyzerDiagnostic,
  AnalyzerInfo,
  AnalyzerPolicyInfo,
  AnalyzerProvider,
  AnalyzerResource,
  AnalyzerResourceOptions,
  EnforcementLevel,
  PolicyConfigEntry,
} from "./types";
