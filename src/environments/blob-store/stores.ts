import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ContainerClient } from "@azure/storage-blob";
import { BlobNotFound, type BlobStore } from "../../core/blob-store.js";

const SAFE = /^[A-Za-z0-9._-]{1,200}$/;
function checkName(name: string): string {
  if (typeof name !== "string" || !SAFE.test(name)) throw new Error(`blob name ${JSON.stringify(name)}: use 1-200 of A-Z a-z 0-9 . _ -`);
  return name;
}

/** A file-system store: one file per payload in `dir` (for users without Azure Storage or Azurite). */
export function fileStore(dir: string): BlobStore & { clear(): Promise<void> } {
  return {
    async upload(name, bytes) {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, checkName(name)), bytes);
    },
    async download(name) {
      try {
        return new Uint8Array(await readFile(join(dir, checkName(name))));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new BlobNotFound(name);
        throw err;
      }
    },
    async delete(name) {
      await rm(join(dir, checkName(name)), { force: true });
    },
    async list() {
      return (await readdir(dir).catch(() => [])).sort();
    },
    async clear() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** An Azure Blob Storage container (Azurite or real) through @azure/storage-blob. */
export function azureStore(connectionString: string, container: string): BlobStore & { clear(): Promise<void>; create(): Promise<void> } {
  const client = new ContainerClient(connectionString, container, { retryOptions: { maxTries: 2, tryTimeoutInMs: 5000, retryDelayInMs: 100 } });
  return {
    async create() {
      await client.createIfNotExists();
    },
    async upload(name, bytes) {
      await client.getBlockBlobClient(checkName(name)).uploadData(bytes);
    },
    async download(name) {
      try {
        return new Uint8Array(await client.getBlobClient(checkName(name)).downloadToBuffer());
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) throw new BlobNotFound(name);
        throw err;
      }
    },
    async delete(name) {
      await client.getBlobClient(checkName(name)).deleteIfExists();
    },
    async list() {
      const names: string[] = [];
      for await (const blob of client.listBlobsFlat()) names.push(blob.name);
      return names.sort();
    },
    async clear() {
      for await (const blob of client.listBlobsFlat()) await client.getBlobClient(blob.name).deleteIfExists();
    },
  };
}
