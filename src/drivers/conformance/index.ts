export * from "./kit.js";
export * from "./checks.js";
