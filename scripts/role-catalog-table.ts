import { ACTION_CLASS_WORDS, ACTION_CLASSES } from "../src/model/action-classes";
import { CATALOG_ROLE_NAMES, ROLE_CATALOG, type CatalogRole } from "../src/model/role-catalog";

/**
 * The README's role catalog table, generated from `src/model/role-catalog.ts` so the words a
 * reader trusts are the table the components and tests use. `test/docs/role-catalog.test.ts`
 * keeps the README equal to it; run `npx tsx scripts/role-catalog-table.ts` to print it.
 */
export function roleCatalogTable(): string {
  const either = (words: readonly string[]) =>
    words.length > 1 ? `${words.slice(0, -1).join(", ")} or ${words.at(-1)}` : (words[0] ?? "");
  const classes = either(ACTION_CLASSES.map((kind) => ACTION_CLASS_WORDS[kind].name));
  const rows = CATALOG_ROLE_NAMES.map((name) => {
    const role: CatalogRole = ROLE_CATALOG[name];
    const kinds = Object.entries(role.access)
      .map(([kind, levels]) => `${kind} (${(levels as readonly string[]).join(", ")})`)
      .join("; ");
    return `| \`${name}\` | ${role.summary} | ${kinds} | no ${either(role.never)} access; no ${classes} action |`;
  });
  return ["| role | what it does | kinds (access) | never |", "|---|---|---|---|", ...rows].join("\n");
}

if (require.main === module) console.log(roleCatalogTable());
