import { checkEnvironment, environmentConfig } from "../src/rules/environment";
import { stackPolicy } from "./support";

/** One stack, one environment; an agent trusts only workflows of its own environment. */
export const environmentIsolation = stackPolicy(
  {
    name: "environment-isolation",
    description:
      "Blocks agents whose environment differs from the stack's (the config's environment, else the stack name when it is an environment name; with neither, not applicable), and agents whose trusted subject names another environment (repo:ORG/REPO:environment:dev on a prod agent).",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Deploy each agent from its own environment's stack, and pin its trust to that environment (GitHub environment in the subject).",
    config: environmentConfig,
  },
  checkEnvironment,
);
