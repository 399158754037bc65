import { MOCK_CLOUD, stableGuid } from "./realistic-outputs";

/**
 * Answers to provider functions (`aws.getCallerIdentity()`, `aws.iam.getPolicyDocument(...)`, …)
 * under mocks: what the cloud would answer for the account the offline gate pretends to deploy
 * into, so programs that look up their account or render policy documents run as they do in an
 * update. Unknown functions echo their inputs.
 */

type Values = Record<string, unknown>;

const list = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : value === undefined || value === null ? [] : [String(value)];

/** One value stays a string, several a list: how the AWS provider renders policy documents. */
const oneOrMany = (values: string[]): string | string[] => (values.length === 1 ? values[0]! : values);

function principalsOf(principals: unknown): Values | undefined {
  if (!Array.isArray(principals) || principals.length === 0) return undefined;
  const result: Record<string, string[]> = {};
  for (const principal of principals as Values[]) {
    const type = String(principal.type);
    result[type] = [...(result[type] ?? []), ...list(principal.identifiers)];
  }
  if (Object.keys(result).length === 1 && result["*"]?.length === 1 && result["*"][0] === "*") return undefined;
  return Object.fromEntries(Object.entries(result).map(([type, ids]) => [type, oneOrMany(ids)]));
}

/**
 * The JSON `aws.iam.getPolicyDocument` returns for its `statements` (the AWS provider's
 * `aws_iam_policy_document` rendering: single values as strings, conditions grouped by operator).
 */
export function renderPolicyDocument(inputs: Values): string {
  const statements = Array.isArray(inputs.statements) ? (inputs.statements as Values[]) : [];
  const document: Values = { Version: typeof inputs.version === "string" ? inputs.version : "2012-10-17" };
  if (typeof inputs.policyId === "string") document.Id = inputs.policyId;
  document.Statement = statements.map((statement) => {
    const rendered: Values = {};
    if (typeof statement.sid === "string" && statement.sid !== "") rendered.Sid = statement.sid;
    rendered.Effect = typeof statement.effect === "string" ? statement.effect : "Allow";
    for (const [from, to] of [
      ["actions", "Action"],
      ["notActions", "NotAction"],
      ["resources", "Resource"],
      ["notResources", "NotResource"],
    ] as const) {
      const values = list(statement[from]);
      if (values.length > 0) rendered[to] = oneOrMany(values);
    }
    const principals = principalsOf(statement.principals);
    if (principals) rendered.Principal = principals;
    else if (Array.isArray(statement.principals) && statement.principals.length > 0) rendered.Principal = "*";
    const notPrincipals = principalsOf(statement.notPrincipals);
    if (notPrincipals) rendered.NotPrincipal = notPrincipals;
    if (Array.isArray(statement.conditions) && statement.conditions.length > 0) {
      const conditions: Record<string, Record<string, string | string[]>> = {};
      for (const condition of statement.conditions as Values[]) {
        const test = String(condition.test);
        conditions[test] = { ...conditions[test], [String(condition.variable)]: oneOrMany(list(condition.values)) };
      }
      rendered.Condition = conditions;
    }
    return rendered;
  });
  return JSON.stringify(document, null, 2);
}

/** Per function token, its realistic answer. */
export const REALISTIC_INVOKES: Readonly<Record<string, (inputs: Values) => Values>> = {
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    accountId: MOCK_CLOUD.awsAccountId,
    arn: `arn:aws:iam::${MOCK_CLOUD.awsAccountId}:user/agent-iam-check`,
    userId: `AIDA${stableGuid("caller").replace(/-/g, "").slice(0, 17).toUpperCase()}`,
    id: MOCK_CLOUD.awsAccountId,
  }),
  "aws:index/getRegion:getRegion": (inputs) => {
    const region =
      typeof inputs.region === "string"
        ? inputs.region
        : typeof inputs.name === "string"
          ? inputs.name
          : MOCK_CLOUD.awsRegion;
    return { name: region, region, id: region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
  },
  "aws:index/getPartition:getPartition": () => ({
    partition: "aws",
    id: "aws",
    dnsSuffix: "amazonaws.com",
    reverseDnsPrefix: "com.amazonaws",
  }),
  "aws:iam/getPolicyDocument:getPolicyDocument": (inputs) => {
    const json = renderPolicyDocument(inputs);
    return { ...inputs, json, minifiedJson: JSON.stringify(JSON.parse(json)), id: stableGuid(json) };
  },
  "gcp:organizations/getProject:getProject": (inputs) => {
    const projectId = typeof inputs.projectId === "string" ? inputs.projectId : "mock-project";
    return { ...inputs, projectId, name: projectId, number: MOCK_CLOUD.gcpProjectNumber, id: `projects/${projectId}` };
  },
  "gcp:organizations/getClientConfig:getClientConfig": () => ({
    project: "mock-project",
    region: "us-central1",
    zone: "us-central1-a",
    id: "mock-client",
  }),
  "azure-native:authorization:getClientConfig": () => ({
    clientId: stableGuid("client:agent-iam-check"),
    objectId: stableGuid("object:agent-iam-check"),
    subscriptionId: stableGuid("subscription"),
    tenantId: MOCK_CLOUD.azureTenantId,
  }),
};

/** The answer to a provider function call under mocks. */
export function realisticInvoke(token: string, inputs: Values): Values {
  return REALISTIC_INVOKES[token]?.(inputs) ?? inputs;
}
