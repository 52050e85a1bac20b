/** Checkers: one property per file, plus safe running, composition and lookup by name. */
export { atLeastOnce } from "./at-least-once.js";
export { duplicates } from "./duplicates.js";
export { orderingPerKey } from "./ordering-per-key.js";
export { lockExpiry } from "./lock-expiry.js";
export { deadLetter, MAX_DELIVERY_REASON } from "./dead-letter.js";
export { kafkaLog } from "./kafka-log.js";
export { checkSafely, unknownResult } from "./safe.js";
export { compose, mergeResults } from "./compose.js";
export { CHECKERS, checkerByName } from "./registry.js";
export { viewOf, toleranceNs } from "./view.js";
