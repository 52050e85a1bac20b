export * from "./recorder.js";
export * from "./jsonl.js";
export * from "./reader.js";
export * from "./schema.js";
export * from "./views.js";
