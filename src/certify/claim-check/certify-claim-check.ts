import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { InfrastructureError, UsageError, describeError } from "../../core/errors.js";
import { startAzuriteNode } from "../../brokers/local/azurite-node.js";
import { type ClaimCheckCase, MAX_MESSAGE_BYTES, claimCheckCaseArbitrary } from "./case.js";
import { type ClaimCheckOutcome, type ClaimCheckViolation, checkClaimCheck } from "./check.js";
import { loadClaimCheckModule } from "./contract.js";
import { runClaimCheckCase } from "./run-case.js";
import { type BlobStore, azureStore, fileStore } from "./store.js";

/** Options of `gauntlet certify --pattern claim-check`. */
export interface ClaimCheckCertifyOptions {
  runs: number;
  seed: number;
  timeoutMs: number;
  /** `azurite` (default: a private Azurite), `file` (a temporary directory), `file:DIR`, or an Azure Storage connection string. */
  store?: string;
}

/** The verdict, and the minimal failing case when there is one. */
export interface ClaimCheckCertifyResult {
  certified: boolean;
  runs: number;
  shrinks: number;
  store: string;
  counterexample?: { case: ClaimCheckCase; trace: string[]; outcome: ClaimCheckOutcome; violations: ClaimCheckViolation[] };
}

type Store = BlobStore & { clear(): Promise<void> };

/** Open the store the option names; stop() removes what Gauntlet started or created. */
async function openStore(spec: string): Promise<{ store: Store; label: string; stop(): Promise<void> }> {
  if (spec === "file" || spec.startsWith("file:")) {
    const temp = spec === "file" ? await mkdtemp(join(tmpdir(), "gauntlet-claim-check-")) : undefined;
    const dir = temp ?? resolve(spec.slice(5));
    return { store: fileStore(join(dir, "payloads")), label: `file system (${temp ? "a temporary directory" : dir})`, stop: async () => (temp ? rm(temp, { recursive: true, force: true }) : undefined) };
  }
  const node = spec === "azurite" ? await startAzuriteNode() : undefined;
  if (!node && !/AccountName=|BlobEndpoint=|UseDevelopmentStorage=/i.test(spec)) throw new UsageError(`--store: unknown store "${spec.slice(0, 40)}"`, "use azurite (a private Azurite), file, file:DIR, or an Azure Storage connection string");
  const store = azureStore(node?.connectionString ?? spec, `gauntlet-claim-check-${Date.now().toString(36)}`);
  try {
    await store.create();
  } catch (err) {
    await node?.stop();
    throw new InfrastructureError(`cannot reach the blob store: ${describeError(err).split("\n")[0]}`, "check --store (an Azure Storage connection string), or use --store azurite or --store file");
  }
  return { store, label: node ? `private Azurite (port ${node.port})` : "Azure Storage (connection string)", stop: async () => node?.stop() };
}

/** Certify a claim-check sender and receiver: fan-out, producer crashes, consumer crashes before the ack, cleanup. */
export async function certifyClaimCheck(path: string, options: ClaimCheckCertifyOptions): Promise<ClaimCheckCertifyResult> {
  const module = await loadClaimCheckModule(path);
  const opened = await openStore(options.store ?? "azurite");
  try {
    const env = { store: opened.store, module, path, timeoutMs: options.timeoutMs };
    let fatal: unknown;
    let executed = 0;
    let lastFailure: ClaimCheckCertifyResult["counterexample"];
    const property = fc.asyncProperty(claimCheckCaseArbitrary, async (c) => {
      if (fatal) return true;
      try {
        executed += 1;
        const { outcome, trace } = await runClaimCheckCase(env, c);
        const violations = checkClaimCheck(outcome, MAX_MESSAGE_BYTES);
        if (violations.length > 0) lastFailure = { case: c, trace, outcome, violations };
        return violations.length === 0;
      } catch (err) {
        fatal = err;
        return true;
      }
    });
    const details = await fc.check(property, { seed: options.seed, numRuns: options.runs });
    if (fatal) throw fatal;
    if (!details.failed) return { certified: true, runs: executed, shrinks: details.numShrinks, store: opened.label };
    if (!lastFailure) throw details.errorInstance ?? new Error("fast-check reported a failure without a counterexample");
    return { certified: false, runs: executed, shrinks: details.numShrinks, store: opened.label, counterexample: lastFailure };
  } finally {
    await opened.stop();
  }
}
