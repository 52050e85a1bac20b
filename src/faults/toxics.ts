import type { FaultStep } from "../core/faults.js";

/** A toxiproxy toxic body for one network fault, with Gauntlet's defaults for missing params. */
export interface ToxicBody {
  name: string;
  type: "latency" | "bandwidth" | "timeout" | "reset_peer" | "slicer";
  stream: "upstream" | "downstream";
  toxicity: number;
  attributes: Record<string, number>;
}

/** Defaults per fault; docs/faults.md lists them. */
export const FAULT_DEFAULTS: Record<string, Record<string, number>> = {
  latency: { latency: 100, jitter: 20 },
  bandwidth: { rate: 16 },
  timeout: { timeout: 200 },
  "reset-peer": { timeout: 0 },
  slicer: { average_size: 16, size_variation: 8, delay: 500 },
};

/** The toxic for a network fault; `cut` has none (the proxy is disabled instead). */
export function toxicFor(step: FaultStep, id: string): ToxicBody | undefined {
  if (step.name === "cut") return undefined;
  const type = step.name === "reset-peer" ? "reset_peer" : step.name;
  if (type !== "latency" && type !== "bandwidth" && type !== "timeout" && type !== "reset_peer" && type !== "slicer") return undefined;
  const { toxicity, ...rest } = { ...FAULT_DEFAULTS[step.name], ...step.params };
  return { name: `gauntlet_${id}`, type, stream: step.stream ?? "downstream", toxicity: toxicity ?? 1, attributes: rest };
}
