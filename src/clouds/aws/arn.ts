import { awsResourceTypes } from "./iam-catalog";

/** The parts of an ARN: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`. */
export interface ParsedArn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

const ARN = /^arn:(aws|aws-us-gov|aws-cn):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|aws|):(.+)$/;

/** Parses an ARN, or returns undefined when the text is not one. */
export function parseArn(text: string): ParsedArn | undefined {
  const match = ARN.exec(text);
  if (!match) return undefined;
  const [, partition, service, region, account, resource] = match;
  return { partition: partition!, service: service!, region: region!, account: account!, resource: resource! };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const patternCache = new Map<string, { regex: RegExp; literalLength: number }>();

/**
 * Compiles a catalog ARN pattern (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`): each
 * variable matches one path segment, except the last, which may hold slashes (object keys, paths).
 */
function compileArnPattern(pattern: string): { regex: RegExp; literalLength: number } {
  const cached = patternCache.get(pattern);
  if (cached) return cached;
  const pieces = pattern.split(/(\$\{[^}]+\})/);
  const lastVariable = pieces
    .map((piece, index) => (piece.startsWith("${") ? index : -1))
    .reduce((a, b) => Math.max(a, b), -1);
  let source = "^";
  let literalLength = 0;
  pieces.forEach((piece, index) => {
    if (piece.startsWith("${")) source += index === lastVariable ? ".+" : "[^:/]+";
    else {
      source += escapeRegExp(piece);
      literalLength += piece.length;
    }
  });
  const compiled = { regex: new RegExp(`${source}$`), literalLength };
  patternCache.set(pattern, compiled);
  return compiled;
}

/**
 * The catalog resource type an ARN names (`bucket`, `object`, `function` …), choosing the most
 * specific pattern when several match; undefined when the service defines none that matches.
 */
export function awsResourceTypeOf(arn: string): string | undefined {
  const parsed = parseArn(arn);
  if (!parsed) return undefined;
  let best: { key: string; literalLength: number } | undefined;
  for (const type of awsResourceTypes(parsed.service)) {
    const { regex, literalLength } = compileArnPattern(type.arnPattern);
    if (regex.test(arn) && (!best || literalLength > best.literalLength)) best = { key: type.key, literalLength };
  }
  return best?.key;
}
