/** The environment layer: one registry entry per broker family; everything else looks it up. */
export { FAMILIES, familyOf, knownSchemes } from "./registry.js";
export { type BrokerUrl, parseBrokerUrl, redact, SCHEMES } from "./url.js";
export { benchSupport, checkBroker, openBenchClient, startEnvironment } from "./start.js";
