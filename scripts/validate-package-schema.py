"""Checks the package schema Pulumi infers for agent-iam against Pulumi's package metaschema.

The metaschema (`pkg/codegen/schema/pulumi.json` in github.com/pulumi/pulumi) ships in no npm
package, so it is not part of `npm test`; download it, run `npx vitest run test/package/any-language.test.ts`
(it writes `test-output/any-language/schema.json`), then:

    python3 scripts/validate-package-schema.py pulumi.json test-output/any-language/schema.json

Needs Python's `jsonschema` (Draft 2020-12). Exits 1 when the schema does not conform, or when a
deliberately broken copy is accepted (the validator would then prove nothing).
"""

import copy
import json
import sys

import jsonschema

meta_path, schema_path = sys.argv[1], sys.argv[2]
# Python spells the metaschema's ECMAScript named groups (?<name>) as (?P<name>): the same patterns.
meta = json.loads(open(meta_path).read().replace("(?<", "(?P<"))
schema = json.load(open(schema_path))
validator = jsonschema.Draft202012Validator(meta)

errors = list(validator.iter_errors(schema))
for error in errors:
    print(f"{'/'.join(map(str, error.absolute_path))}: {error.message[:300]}")

identity = next(token for token in schema["resources"] if token.endswith(":AgentIdentity"))
broken = {
    "a misspelt primitive type": lambda s: s["resources"][identity]["inputProperties"].update(owner={"type": "strin"}),
    "a token starting with a digit": lambda s: s["resources"].update({"9bad::x": {}}),
    "an unknown top-level key": lambda s: s.update(unknown=1),
    "an array without items": lambda s: s["resources"][identity]["inputProperties"].update(grants={"type": "array"}),
}
accepted = []
for what, mutate in broken.items():
    copied = copy.deepcopy(schema)
    mutate(copied)
    if not any(True for _ in validator.iter_errors(copied)):
        accepted.append(what)

print(f"{len(schema['resources'])} components, {len(schema['types'])} types: {len(errors)} problems")
for what in accepted:
    print(f"the validator accepted {what}: it proves nothing")
sys.exit(1 if errors or accepted else 0)
