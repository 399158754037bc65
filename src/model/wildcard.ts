/**
 * Wildcard patterns as IAM and ARM compare actions (`s3:Get*`, `iam:?ass*`,
 * `Microsoft.Storage/*`): `*` is any run of characters, `?` (when enabled) one character, the rest
 * literal and case-insensitive. Matched without building a regular expression, so a pattern from a
 * hostile document (200,000 characters, thousands of `*`) costs time proportional to its length and
 * never fails to compile.
 */
export function wildcardMatches(
  pattern: string,
  text: string,
  options: { readonly questionMark?: boolean } = {},
): boolean {
  const p = pattern.toLowerCase();
  const t = text.toLowerCase();
  const anyOne = options.questionMark ?? true;
  let pi = 0;
  let ti = 0;
  let star = -1;
  let resume = 0;
  while (ti < t.length) {
    if (pi < p.length && p[pi] !== "*" && (p[pi] === t[ti] || (anyOne && p[pi] === "?"))) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === "*") {
      star = pi++;
      resume = ti;
    } else if (star >= 0) {
      pi = star + 1;
      ti = ++resume;
    } else return false;
  }
  while (pi < p.length && p[pi] === "*") pi++;
  return pi === p.length;
}
