export * from "./actions.js";
export * from "./scenario-arbitrary.js";
export * from "./scenario-schema.js";
