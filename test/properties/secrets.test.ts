import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SECRET_PATTERNS, findSecrets, findSecretsInText } from "../../src/rules/support/secret-patterns";
import { runs } from "../support/property";
import {
  TOKENS_BY_ID,
  anyToken,
  awsSecretAccessKey,
  benign,
  context,
  serviceAccountKeyObject,
  type Token,
} from "../support/secret-tokens";

/**
 * Hostile input, property 6: the secret detector (`src/rules/support/secret-patterns.ts`) finds every credential
 * format of its table when a token with a valid structure is pasted anywhere (generated, in the
 * places people paste them), and never flags identifiers that only look random: ARNs, AWS unique
 * ids, SHA-1/SHA-256 digests, UUIDs, base64 blobs, GCP and Azure ids (generated, and the fixture
 * corpus `test/fixtures/hostile/benign-identifiers.txt`, one per line, taken from clouds'
 * documentation and our own outputs).
 */

const CORPUS = readFileSync(join(__dirname, "..", "fixtures", "hostile", "benign-identifiers.txt"), "utf8")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#"));

const ids = (found: readonly { id: string }[]) => found.map((match) => match.id);

describe("property 6: the secret detector", () => {
  it("every row of the pattern table has a generator of real-format tokens, and every generator a row", () => {
    expect(new Set(SECRET_PATTERNS.map((pattern) => pattern.id))).toEqual(new Set(Object.keys(TOKENS_BY_ID)));
  });

  it("every generated token holds its row's anchor, the cheap test that lets other strings skip the patterns", () => {
    for (const [id, generators] of Object.entries(TOKENS_BY_ID)) {
      const anchors = SECRET_PATTERNS.filter((pattern) => pattern.id === id && pattern.anchor).map(
        (pattern) => pattern.anchor!,
      );
      // The base64 key file is found by decoding, not by a row's pattern.
      if (id === "gcp-service-account-key") anchors.push(/[A-Za-z0-9+/]{200,}|service_account/);
      expect(anchors.length, `${id} has an anchor`).toBeGreaterThan(0);
      fc.assert(
        fc.property(fc.oneof(...generators), (token: Token) => {
          expect(
            anchors.some((anchor) => anchor.test(token.text)),
            `${id}: ${JSON.stringify(token.text)}`,
          ).toBe(true);
        }),
        runs(200),
      );
    }
  });

  for (const [id, generators] of Object.entries(TOKENS_BY_ID))
    it(`finds every generated ${id}, alone and in the text around it`, () => {
      fc.assert(
        fc.property(fc.oneof(...generators), context, (token: Token, around) => {
          const text = around(token.text);
          expect(ids(findSecretsInText(text)), JSON.stringify(text)).toContain(id);
          // The report points at the secret without repeating it.
          for (const match of findSecretsInText(text))
            expect(token.text.length < 12 || !match.hint.includes(token.text)).toBe(true);
        }),
        runs(300),
      );
    });

  it("finds them as resource inputs, in nested properties and lists, and names the path", () => {
    fc.assert(
      fc.property(
        anyToken,
        fc.constantFrom("environment.variables.TOKEN", "tags.note", "userData", "containers[0].env[1].value"),
        (token, where) => {
          const path = where.split(/\.|\[(\d+)\]/).filter((part) => part !== undefined && part !== "");
          let value: unknown = token.text;
          for (const part of [...path].reverse())
            value = /^\d+$/.test(part)
              ? Object.assign(new Array(Number(part) + 1).fill("x"), { [Number(part)]: value })
              : { [part]: value };
          const found = findSecrets(value);
          expect(ids(found)).toContain(token.id);
          expect(found.find((match) => match.id === token.id)!.path).toBe(where);
        },
      ),
      runs(300),
    );
  });

  it("finds an AWS secret access key named only by its neighbour, in a JSON document held as a string (found by this property)", () => {
    fc.assert(
      fc.property(awsSecretAccessKey, (token) => {
        const key = token.text.replace(/^[^:=]*[:=]\s*["']?/, "").replace(/["']$/, "");
        const definitions = JSON.stringify([
          { name: "web", image: "acme/web", environment: [{ name: "AWS_SECRET_ACCESS_KEY", value: key }] },
        ]);
        const found = findSecrets({ containerDefinitions: definitions });
        expect(ids(found)).toContain("aws-secret-access-key");
        expect(found[0]!.path).toBe("containerDefinitions[0].environment[0].value");
      }),
      runs(100),
    );
  });

  it("finds a key file passed as an object", () => {
    fc.assert(
      fc.property(serviceAccountKeyObject, (key) => {
        expect(ids(findSecrets({ credentials: key }))).toEqual(["gcp-service-account-key"]);
      }),
      runs(100),
    );
  });

  it("never flags generated identifiers: ARNs, unique ids, digests, UUIDs, base64, GCP and Azure ids", () => {
    fc.assert(
      fc.property(benign, fc.constantFrom("", "id=", " ", "\n"), ({ what, text }, prefix) => {
        expect(findSecretsInText(prefix + text), `${what}: ${text}`).toEqual([]);
        expect(findSecrets({ arn: text, id: text, tags: { ref: text }, list: [text] }), `${what}: ${text}`).toEqual([]);
      }),
      runs(3000),
    );
  });

  it("never flags the fixture corpus of identifiers", () => {
    expect(CORPUS.length).toBeGreaterThan(40);
    for (const line of CORPUS) expect(findSecretsInText(line), line).toEqual([]);
    expect(findSecrets({ values: CORPUS })).toEqual([]);
  });
});
