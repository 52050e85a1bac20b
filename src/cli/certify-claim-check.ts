import { describeCase } from "../certify/claim-check/case.js";
import { type ClaimCheckCertifyResult, certifyClaimCheck } from "../certify/claim-check/certify-claim-check.js";

/** `gauntlet certify --pattern claim-check MODULE`: 0 certified, 1 a counterexample, 3 bad module, 4 store unreachable. */
export async function certifyClaimCheckCommand(path: string, options: { runs: number; seed: number; timeoutMs: number; store?: string; json: boolean }): Promise<number> {
  const r = await certifyClaimCheck(path, { runs: options.runs, seed: options.seed, timeoutMs: options.timeoutMs, ...(options.store ? { store: options.store } : {}) });
  process.stdout.write(options.json ? `${JSON.stringify({ pattern: "claim-check", module: path, seed: options.seed, ...r }, null, 2)}\n` : `${formatClaimCheck(path, r, options.seed)}\n`);
  return r.certified ? 0 : 1;
}

/** The console summary. */
export function formatClaimCheck(path: string, r: ClaimCheckCertifyResult, seed: number): string {
  const lines = [`certify --pattern claim-check ${path}: ${r.certified ? "CERTIFIED" : `NOT CORRECT: ${[...new Set(r.counterexample?.violations.map((v) => v.kind))].join(", ")}`}`];
  lines.push(`  store: ${r.store}   runs: ${r.runs}${r.shrinks ? ` (${r.shrinks} shrink steps)` : ""}   seed: ${seed}`);
  const x = r.counterexample;
  if (x) {
    lines.push("", "minimal failing case:", ...describeCase(x.case).map((l) => `  ${l}`));
    lines.push("", "what happened:", ...x.trace.map((t) => `  ${t}`));
    lines.push("violations:", ...x.violations.map((v) => `  ${v.kind}: ${v.detail}`));
  }
  lines.push("", `rerun: npx gauntlet certify --pattern claim-check ${path} --seed ${seed}`);
  return lines.join("\n");
}
