import { arch, cpus, hostname, platform, totalmem } from "node:os";
import type { HostInfo } from "./types.js";

/** The machine the generator ran on. */
export function hostInfo(): HostInfo {
  const list = cpus();
  return { hostname: hostname(), platform: platform(), arch: arch(), cpuModel: list[0]?.model.trim() ?? "unknown", cpus: list.length, memoryBytes: totalmem(), node: process.version };
}
