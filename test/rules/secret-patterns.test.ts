import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SECRET_PATTERNS, findSecrets, findSecretsInText } from "../../src/rules/support/secret-patterns";
import { UNKNOWN } from "../../src/model/unknown";

// Test values are assembled at run time so that no scanner mistakes this file for a leak.
const join = (...parts: string[]) => parts.join("");
const AWS_KEY_ID = join("AKIA", "Q3EGRZN7VWBTX2HK");
const SA_KEY = {
  type: "service_account",
  project_id: "acme-prod",
  private_key_id: "0123abcd",
  private_key: join("-----BEGIN ", "PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"),
  client_email: "bot@acme-prod.iam.gserviceaccount.com",
};

const POSITIVES: [string, string][] = [
  ["aws-access-key-id", `AWS_ACCESS_KEY_ID=${AWS_KEY_ID}`],
  ["aws-access-key-id", join("ASIA", "Y2XPLMQT4RZ7WBNC")],
  ["aws-secret-access-key", join("aws_secret_access_key = ", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")],
  ["private-key", join("-----BEGIN RSA ", "PRIVATE KEY-----\nMIIEow...")],
  ["private-key", join("-----BEGIN OPENSSH ", "PRIVATE KEY-----")],
  ["gcp-service-account-key", JSON.stringify(SA_KEY)],
  ["gcp-service-account-key", Buffer.from(JSON.stringify(SA_KEY, null, 2)).toString("base64")],
  ["github-token", join("gh", "p_", "a".repeat(12), "B7c9D1e3F5g7H9i1J3k5L7m9")],
  ["github-token", join("github", "_pat_", "11ABCDEFG0123456789abc", "_", "x".repeat(59))],
  ["gitlab-token", join("gl", "pat-", "x1Y2z3A4b5C6d7E8f9G0")],
  ["slack-token", join("xo", "xb-", "123456789012-1234567890123-", "AbCdEfGhIjKlMnOpQrStUvWx")],
  ["slack-webhook", join("https://hooks.slack.com/services/", "T0ABCDEF1/B0ABCDEF2/", "abcdefghijklmnopqrstuvwx")],
  ["openai-api-key", join("OPENAI_API_KEY=sk-", "proj-", "Xq7".repeat(50), "aB")],
  ["openai-api-key", join("sk-", "Ab1".repeat(6), "Zz", "T3Blbk", "FJ", "Qr9".repeat(6), "Yy")],
  ["anthropic-api-key", join("sk-", "ant-api03-", "Hn4_".repeat(23), "k", "AA")],
  ["google-api-key", join("AI", "za", "SyD".repeat(11), "x9")],
  ["google-api-key", join("AQ.", "Ab", "8RN6".repeat(12))],
  ["huggingface-token", join("HF_TOKEN=hf_", "AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh")],
  ["openrouter-api-key", join("sk-or-", "v1-", "0a1b2c3d".repeat(8))],
  ["groq-api-key", join("gsk_", "Ab3".repeat(17), "x")],
];

const NEAR_MISSES: [string, string][] = [
  ["an ARN that looks like a key", join("arn:aws:iam::123456789012:user/", AWS_KEY_ID)],
  ["a role unique id", "AROAQ3EGRZN7VWBTX2HKZ"],
  ["a user unique id", "AIDAQ3EGRZN7VWBTX2HK"],
  ["AWS's documented placeholder key", "AKIAIOSFODNN7EXAMPLE"],
  ["an account id", "123456789012"],
  ["a GUID", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"],
  ["a SHA-1 thumbprint", "6938fd4d98bab03faadb97b34396831e3780aea1"],
  ["a SHA-256 digest", "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
  ["a git commit", "3764919a5de2b1c0d4e8f7a6b5c4d3e2f1a0b9c8"],
  ["random base64", randomBytes(600).toString("base64")],
  ["a public key", join("-----BEGIN ", "PUBLIC KEY-----\nMIIBIjAN")],
  ["a certificate", join("-----BEGIN ", "CERTIFICATE-----\nMIID")],
  ["a GCP service-account email", "bot@acme-prod.iam.gserviceaccount.com"],
  ["a KMS key ARN", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
  ["a word with ghp in it", "high_performance_profile"],
  ["a 40-character base64 value outside a secret-key property", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKE"],
  ["an OpenAI key placeholder", "sk-proj-..."],
  ["a Hugging Face model id", "hf_transfer"],
  ["an Anthropic key hint as the Admin API shows it", "sk-ant-api03-R2D...igAA"],
  ["a Google API key id (not the key)", "projects/123/locations/global/keys/AIzaKeyId"],
];

describe("the secret pattern table", () => {
  it.each(POSITIVES)("finds %s", (id, text) => {
    expect(findSecretsInText(text).map((match) => match.id)).toContain(id);
  });

  it.each(NEAR_MISSES)("does not flag %s", (_label, text) => {
    expect(findSecretsInText(text)).toEqual([]);
  });

  it("every pattern id has a positive example", () => {
    const ids = new Set(SECRET_PATTERNS.map((pattern) => pattern.id));
    for (const id of ids) expect(POSITIVES.some(([positive]) => positive === id)).toBe(true);
  });

  it("recognises a secret access key by the property that holds it", () => {
    expect(
      findSecrets({
        environment: { variables: { AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKE" } },
      }).map((match) => match.id),
    ).toEqual(["aws-secret-access-key"]);
  });
});

describe("scanning resource inputs", () => {
  it("walks nested inputs and names the property path, without echoing the secret", () => {
    const found = findSecrets({
      environment: { variables: { TOKEN: AWS_KEY_ID } },
      tags: { owner: "keisha@acme.example" },
    });
    expect(found).toEqual([
      {
        id: "aws-access-key-id",
        description: "an AWS access key id",
        path: "environment.variables.TOKEN",
        hint: expect.any(String),
      },
    ]);
    expect(found[0]!.hint).not.toContain(AWS_KEY_ID);
  });

  it("finds a service-account key file passed as an object", () => {
    expect(findSecrets({ credentials: SA_KEY }).map((match) => match.id)).toEqual(["gcp-service-account-key"]);
  });

  it("ignores values preview does not know yet", () => {
    expect(findSecrets({ token: UNKNOWN, list: [UNKNOWN] })).toEqual([]);
  });
});
