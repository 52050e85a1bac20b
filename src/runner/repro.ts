import { readFile, writeFile } from "node:fs/promises";
import type { Scenario } from "../core/scenario.js";
import type { Claims } from "../core/setup.js";
import { UsageError } from "../core/errors.js";
import { validateScenario } from "../workload/scenario-schema.js";

/** A repro file: the concrete failing scenario plus where it failed. Small JSON a person can edit. */
export interface ReproFile {
  gauntlet: "repro";
  version: 1;
  suite: string;
  /** Broker URL (credentials removed) the failure was seen on. */
  broker: string;
  /** fast-check seed and path of the property run that found it. */
  seed: number;
  path?: string;
  /** Anomalies the failing run showed, for the reader. */
  anomalies: string[];
  scenario: Scenario;
  /** A plan's claim suite (not a ready-made one): the checkers and claims to replay it with. */
  checkers?: string[];
  claims?: Claims;
}

/** The kind of a repro file: "certify" for `gauntlet certify` repros, else "suite"; unreadable files count as "suite" (readRepro explains). */
export async function reproKind(path: string): Promise<"suite" | "certify"> {
  try {
    const raw = JSON.parse(await readFile(path, "utf8")) as { kind?: unknown } | null;
    return raw?.kind === "certify" ? "certify" : "suite";
  } catch {
    return "suite";
  }
}

export async function writeRepro(path: string, repro: ReproFile): Promise<void> {
  await writeFile(path, `${JSON.stringify(repro, null, 2)}\n`);
}

/** Read and validate a repro file; errors say what is wrong and where. */
export async function readRepro(path: string): Promise<ReproFile> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read repro file ${path}: ${code === "ENOENT" ? "no such file" : (err as Error).message}`, code === "ENOENT" ? "check the path; gauntlet run writes reports/<run-id>/repro-<suite>.json" : "a repro file is the JSON gauntlet run wrote (see docs/repro-files.md)");
  }
  const obj = raw as Partial<ReproFile> | null;
  if (!obj || typeof obj !== "object" || obj.gauntlet !== "repro") {
    throw new UsageError(`${path}: not a Gauntlet repro file (missing "gauntlet": "repro")`, "pass a repro-*.json written by gauntlet run");
  }
  if (obj.version !== 1) {
    throw new UsageError(`${path}: repro file version ${JSON.stringify(obj.version)} is not one this Gauntlet reads (1)`, "re-create it with this version's gauntlet run, or set \"version\": 1 if it was hand-written for it");
  }
  if (typeof obj.broker !== "string" || typeof obj.suite !== "string") {
    throw new UsageError(`${path}: repro file needs "suite" and "broker" strings`, "see docs/repro-files.md for the format");
  }
  const scenario = validateScenario(obj.scenario, path);
  return {
    gauntlet: "repro",
    version: 1,
    suite: obj.suite,
    broker: obj.broker,
    seed: typeof obj.seed === "number" ? obj.seed : 0,
    path: obj.path,
    anomalies: Array.isArray(obj.anomalies) ? obj.anomalies.map(String) : [],
    scenario,
    ...(Array.isArray(obj.checkers) ? { checkers: obj.checkers.map(String) } : {}),
    ...(obj.claims && typeof obj.claims === "object" ? { claims: obj.claims } : {}),
  };
}
