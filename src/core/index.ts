/** Core types and contracts. Imports nothing outside core. */
export * from "./capabilities.js";
export * from "./checker.js";
export * from "./clock.js";
export * from "./driver.js";
export * from "./entities.js";
export * from "./errors.js";
export * from "./history.js";
export * from "./result.js";
export * from "./scenario.js";
export * from "./setup.js";
export * from "./suite.js";
export * from "./run.js";
