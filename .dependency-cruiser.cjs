// The one direction through the code (ARCHITECTURE.md):
//   model <- clouds <- {components, rules} <- {policy-pack, reports} <- gate <- bin
// Each rule below forbids a layer to import what lies above it. `npm run lint` runs this check.
const LAYERS = {
  model: "^src/model/",
  clouds: "^src/clouds/",
  components: "^components/",
  rules: "^src/rules/",
  policyPack: "^policy-pack/",
  reports: "^src/reports/",
  gate: "^src/gate/",
  bin: "^bin/",
};

/** `from` may import only the layers listed in `allowed` (and itself). */
function only(from, allowed) {
  const paths = [from, ...allowed].map((name) => LAYERS[name]);
  return {
    name: `${from}-imports-only-${allowed.join("-") || "itself"}`,
    comment: `${from} may import only ${allowed.length ? allowed.join(", ") : "itself"} (ARCHITECTURE.md)`,
    severity: "error",
    from: { path: LAYERS[from] },
    to: { path: Object.values(LAYERS).join("|"), pathNot: paths.join("|") },
  };
}

module.exports = {
  forbidden: [
    only("model", []),
    only("clouds", ["model"]),
    only("components", ["model", "clouds"]),
    only("rules", ["model", "clouds"]),
    only("policyPack", ["model", "clouds", "rules"]),
    only("reports", ["model", "clouds", "rules"]),
    only("gate", ["model", "clouds", "rules", "reports"]),
    only("bin", ["gate"]),
    {
      name: "no-cycles",
      comment: "Modules that import each other cannot be read or moved one at a time.",
      severity: "error",
      from: { path: "^(src|components|policy-pack)/" },
      to: { circular: true },
    },
    {
      name: "no-test-code-in-source",
      severity: "error",
      from: { path: "^(src|components|policy-pack|bin)/" },
      to: { path: "^(test|bench)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
    },
  },
};
