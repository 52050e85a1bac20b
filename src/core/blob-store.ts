import type { FaultInjector } from "./faults.js";

/** A blob store payloads go to (claim-check): names are [A-Za-z0-9._-]+. */
export interface BlobStore {
  upload(name: string, bytes: Uint8Array): Promise<void>;
  /** The bytes, or a rejection with `code: "BlobNotFound"` when there is no such payload. */
  download(name: string): Promise<Uint8Array>;
  /** Delete; a missing payload is not an error. */
  delete(name: string): Promise<void>;
  list(): Promise<string[]>;
}

/** The error a store's download() rejects with when the payload does not exist. */
export class BlobNotFound extends Error {
  readonly code = "BlobNotFound";
  constructor(name: string) {
    super(`no payload named ${name}`);
  }
}

/** Whether an error is a store's "no such payload". */
export const isBlobNotFound = (err: unknown): boolean => (err as { code?: string } | undefined)?.code === "BlobNotFound";

/** A store Gauntlet opened for a run (a private Azurite, a directory): stop() removes what it started. */
export interface StartedBlobStore {
  readonly store: BlobStore & { clear(): Promise<void> };
  /** For reports: what kind of store, never a connection string. */
  readonly label: string;
  /** Network faults between clients and the store (toxiproxy in front of Azurite); absent for a file store. */
  readonly faults?: FaultInjector;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}
