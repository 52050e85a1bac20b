import type { EnvironmentFamily } from "../../core/environment.js";
import { openMemoryBenchClient } from "./bench-client.js";
import { parseMemoryUrl, startMemoryEnvironment } from "./environment.js";
import { memoryThroughProxies } from "./rtt.js";

/** memory://: the embedded reference broker (virtual time, seeded); bench runs a real-time in-process queue. */
export const memoryFamily: EnvironmentFamily = {
  scheme: "memory",
  description: "embedded reference broker (deterministic, virtual time)",
  faults: [],
  faultsHint: "memory:// has no network or process to break; use its defect switches instead, e.g. memory://?defects=lose-acked (see gauntlet list)",
  validate: (url) => void parseMemoryUrl(url),
  start: async (redacted, url) => startMemoryEnvironment(redacted, url),
  bench: { open: async (_redacted, url) => openMemoryBenchClient(url), throughProxies: memoryThroughProxies },
};
