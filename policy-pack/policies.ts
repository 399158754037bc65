import type { Policies } from "@pulumi/policy";
import { RULES } from "../src/rules";
import { toPolicy } from "./to-policy";

/** Every policy of the pack: agent-iam's rules, in the order of the README. Importing this starts nothing. */
export const POLICIES: Policies = RULES.map(toPolicy);
