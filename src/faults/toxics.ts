import { FAULT_NAMES, FAULTS, type FaultStep } from "../core/faults.js";

/** A toxiproxy toxic body for one network fault, with Gauntlet's defaults for missing params. */
export interface ToxicBody {
  name: string;
  type: "latency" | "bandwidth" | "timeout" | "reset_peer" | "slicer";
  stream: "upstream" | "downstream";
  toxicity: number;
  attributes: Record<string, number>;
}

/** Defaults per fault, from core's fault table (docs/faults.md lists them). */
export const FAULT_DEFAULTS: Readonly<Record<string, Readonly<Record<string, number>>>> = Object.fromEntries(FAULT_NAMES.map((n) => [n, FAULTS[n].defaults]));

/** The toxic for a network fault; `cut` has none (the proxy is disabled instead). */
export function toxicFor(step: FaultStep, id: string): ToxicBody | undefined {
  if (step.name === "cut") return undefined;
  const type = step.name === "reset-peer" ? "reset_peer" : step.name;
  if (type !== "latency" && type !== "bandwidth" && type !== "timeout" && type !== "reset_peer" && type !== "slicer") return undefined;
  const { toxicity, ...rest } = { ...FAULT_DEFAULTS[step.name], ...step.params };
  return { name: `gauntlet_${id}`, type, stream: step.stream ?? "downstream", toxicity: toxicity ?? 1, attributes: rest };
}
