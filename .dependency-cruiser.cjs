/**
 * Gauntlet's layering (../shared/DESIGN.md, "Architecture"), enforced by dependency-cruiser in
 * `npm test` (`npm run depcruise`). Each folder of src/ may import only the folders listed for it;
 * a driver never imports another driver; nothing imports the CLI; src/ never imports fixtures,
 * scripts or tests; no import cycle anywhere. Tests (*.test.ts, *.test-helper.ts) may reach across
 * layers to set things up, but not into cycles.
 */
const LAYERS = {
  core: [],
  html: [],
  history: ["core"],
  workload: ["core", "history"],
  // The memory driver's "SDK" is the embedded broker (src/brokers/memory/): see no-driver-to-broker.
  drivers: ["core", "brokers"],
  brokers: ["core"],
  emulator: ["core"],
  faults: ["core", "brokers"],
  checkers: ["core", "history"],
  suites: ["core", "checkers", "workload"],
  plans: ["core", "checkers", "workload"],
  runner: ["core", "history", "workload", "checkers"],
  environments: ["core", "drivers", "brokers", "emulator", "faults"],
  report: ["core", "history", "html"],
  certify: ["core", "history", "brokers", "environments"],
  // bench http --outbox judges the database against the broker with certify's pure outbox check.
  bench: ["core", "environments", "brokers", "faults", "html", "certify"],
  api: ["core", "history", "runner", "suites", "environments", "report", "brokers", "plans"],
  cli: ["core", "history", "workload", "checkers", "suites", "runner", "environments", "brokers", "emulator", "faults", "drivers", "report", "certify", "bench", "api", "html", "plans"],
};

const TESTS = "\\.test\\.ts$|\\.test-helper\\.ts$";

const layerRules = Object.entries(LAYERS).map(([layer, allowed]) => ({
  name: `layer-${layer}`,
  comment: `src/${layer}/ may import only ${allowed.length ? allowed.map((a) => `src/${a}/`).join(", ") : "itself"} (see .dependency-cruiser.cjs and DESIGN.md's layering)`,
  severity: "error",
  from: { path: `^src/${layer}/`, pathNot: TESTS },
  to: { path: "^src/", pathNot: `^src/(${[layer, ...allowed].join("|")})/` },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: "no-driver-to-driver",
      comment: "a driver imports core and its own SDK, never another driver",
      severity: "error",
      from: { path: "^src/drivers/([^/]+)/", pathNot: TESTS },
      to: { path: "^src/drivers/", pathNot: "^src/drivers/$1/" },
    },
    {
      name: "no-driver-to-broker",
      comment: "drivers reach brokers only as the memory driver reaches the embedded broker it drives",
      severity: "error",
      from: { path: "^src/drivers/", pathNot: TESTS },
      to: { path: "^src/brokers/", pathNot: "^src/brokers/memory/" },
    },
    {
      name: "no-src-to-outside",
      comment: "src/ is the package: it never imports fixtures/, scripts/ or test/",
      severity: "error",
      from: { path: "^src/", pathNot: TESTS },
      to: { path: "^(fixtures|scripts|test)/" },
    },
    {
      name: "only-index-and-cli-on-top",
      comment: "nothing below the public entry imports src/index.ts",
      severity: "error",
      from: { path: "^src/(?!index\\.ts$)", pathNot: TESTS },
      to: { path: "^src/index\\.ts$" },
    },
    {
      name: "no-circular",
      comment: "no import cycle, between files or (through the layer rules) between folders",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|node_modules)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.typecheck.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
