import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { UsageError, describeError } from "../../core/errors.js";
import type { BlobStore } from "./store.js";

/** One message the producer sends: a unique id and its payload. */
export interface ClaimCheckMessage {
  id: string;
  body: Uint8Array;
}

/** What send() gets: the store, the broker's publish, and the broker's message size limit in bytes. */
export interface SendContext {
  store: BlobStore;
  /** Publish one envelope (plain JSON: a reference, or the payload inline); resolves once the broker acked it. */
  publish(envelope: unknown): Promise<void>;
  /** The broker's message size limit: an envelope over it (as JSON) would be rejected. */
  maxMessageBytes: number;
}

/** What receive() and cleanup() get. */
export interface ReceiveContext {
  store: BlobStore;
  /** The subscription this copy was delivered to (fan-out: each subscription gets its own copy). */
  subscription: string;
  /** Every subscription of the topic. */
  subscriptions: string[];
  deliveryCount: number;
}

/** The module contract of `gauntlet certify --pattern claim-check` (docs/patterns.md). */
export interface ClaimCheckModule {
  /** Producer: upload the payload when it is too big to go inline, publish the envelope. */
  send(message: ClaimCheckMessage, context: SendContext): Promise<unknown> | unknown;
  /** Consumer: hydrate an envelope and return the payload's bytes (Gauntlet acks after it returns). */
  receive(envelope: unknown, context: ReceiveContext): Promise<Uint8Array> | Uint8Array;
  /** Called once the cleanup window has passed (every copy settled): delete what is no longer needed. */
  cleanup?(context: { store: BlobStore; subscriptions: string[] }): Promise<unknown> | unknown;
}

/** Import a claim-check module and check its exports (UsageError, exit 3, naming what is missing). */
export async function loadClaimCheckModule(path: string): Promise<ClaimCheckModule> {
  let ns: Record<string, unknown>;
  try {
    ns = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new UsageError(`claim-check module ${path}: ${code === "ERR_MODULE_NOT_FOUND" ? "no such file" : `cannot import it: ${describeError(err)}`}`, "pass a .js, .mjs or .ts module that exports send(message, context) and receive(envelope, context); see docs/patterns.md");
  }
  const missing = (["send", "receive"] as const).filter((n) => typeof ns[n] !== "function");
  if (missing.length > 0) {
    const have = Object.keys(ns).filter((k) => k !== "default");
    throw new UsageError(`claim-check module ${path}: missing export${missing.length > 1 ? "s" : ""} ${missing.map((m) => `${m}()`).join(", ")} (it exports ${have.length ? have.join(", ") : "nothing"})`, "a claim-check module exports send(message, context), receive(envelope, context) and optionally cleanup(context); see docs/patterns.md");
  }
  if (ns.cleanup !== undefined && typeof ns.cleanup !== "function") throw new UsageError(`claim-check module ${path}: export cleanup must be a function`, "export it as a function, or remove the export");
  return ns as unknown as ClaimCheckModule;
}
