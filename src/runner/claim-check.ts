import { createHash } from "node:crypto";
import { type BlobStore, isBlobNotFound } from "../core/blob-store.js";
import { realClock } from "../core/clock.js";
import { DefiniteFailure } from "../core/errors.js";
import type { Delivery, DeleteValue, HydrateValue, SentMessage, UploadValue } from "../core/history.js";
import type { ClaimCheckPlan } from "../core/scenario.js";
import { copiesOf } from "../core/entities.js";
import type { EntitySpec } from "../core/entities.js";
import { ProcessId, type Recorder } from "../history/recorder.js";
import { recordOp } from "./op.js";

/** Store calls time out on the real clock: the store is real even when the broker's clock is virtual. */
const STORE = { clock: realClock(), timeoutMs: 10_000 };
/** Attempts per upload or download while the store is slow or down (a real client retries too). */
const ATTEMPTS = 8;

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** The deterministic payload of message `id`: `size` bytes that differ per message and per byte. */
export function claimPayload(id: string, size: number): Uint8Array {
  const seed = [...id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  return Uint8Array.from({ length: size }, (_, i) => (seed + i * 7 + (i >> 8)) & 255);
}

/**
 * The claim-check stage of a run: producers upload payloads over the threshold and send a
 * reference (the envelope, `{ref, sha256, bytes}` as JSON, is what the broker carries); consumers
 * hydrate every reference before handling it; a payload is deleted once every copy was settled
 * (or, broken, on its first read); finish() sweeps what no sent message references and lists the
 * store. Every store call is an op in the history (upload, hydrate, delete, store).
 */
export class ClaimCheckStage {
  private readonly settled = new Map<string, Set<string>>();
  private readonly refs = new Map<string, string>();
  private readonly attempts = new Map<string, number>();
  private readonly deleted = new Set<string>();
  private readonly uploaded = new Set<string>();
  private readonly sent = new Set<string>();
  private readonly sentMessages = new Map<string, SentMessage>();
  private readonly deletions = new Map<string, () => void>();
  private readonly deletedRefs = new Map<string, Promise<void>>();

  constructor(
    readonly plan: ClaimCheckPlan,
    private readonly store: BlobStore,
    private readonly recorder: Recorder,
    private readonly entities: readonly EntitySpec[],
    private readonly targets: ReadonlyMap<string, string>,
  ) {}

  /** Whether the producer of these messages crashes between upload and send (first attempt only). */
  crashesAfterUpload(messages: readonly SentMessage[]): boolean {
    return messages.some((m) => this.plan.producerCrashes.includes(m.id) && (this.attempts.get(m.id) ?? 0) === 1);
  }

  /** Upload what goes out of band; returns the messages to send (those whose upload never succeeded are left out). */
  async prepare(process: ProcessId, messages: readonly SentMessage[]): Promise<SentMessage[]> {
    const out: SentMessage[] = [];
    for (const m of messages) {
      const body = claimPayload(m.id, m.size ?? 0);
      const hash = sha256(body);
      if (body.length <= this.plan.thresholdBytes) {
        out.push({ ...m, claim: { sha256: hash, bytes: body.length } });
        continue;
      }
      const attempt = (this.attempts.get(m.id) ?? 0) + 1;
      this.attempts.set(m.id, attempt);
      const ref = `${m.id.replace(/[^A-Za-z0-9._-]/g, "_")}.${attempt}`;
      const value: UploadValue = { id: m.id, ref, sha256: hash, bytes: body.length };
      if (!(await this.retry(process, "upload", value, () => this.store.upload(ref, body)))) continue;
      this.uploaded.add(ref);
      // The envelope carries the reference: a consumer may get it before the send's ack comes back.
      this.refs.set(m.id, ref);
      const claim = { ref, sha256: hash, bytes: body.length };
      out.push({ ...m, size: Buffer.byteLength(JSON.stringify(claim)), claim });
    }
    return out;
  }

  /** A send of these messages completed ok or info: their references are owed to every copy. */
  noteSent(messages: readonly SentMessage[]): void {
    for (const m of messages) {
      if (!m.claim?.ref) continue;
      this.sent.add(m.claim.ref);
      this.refs.set(m.id, m.claim.ref);
      this.sentMessages.set(m.id, m);
    }
  }

  /**
   * The messages of `ids` this producer sent by reference, each once its payload was deleted
   * (waiting at most `waitMs` on the real clock): to send again, a redelivery after deletion.
   */
  async deletedMessages(ids: readonly string[], waitMs: number): Promise<SentMessage[]> {
    const out: SentMessage[] = [];
    for (const id of ids) {
      const m = this.sentMessages.get(id);
      if (!m?.claim?.ref) continue;
      const gone = await Promise.race([this.deletedOf(m.claim.ref).then(() => true), STORE.clock.sleep(waitMs).then(() => false)]);
      if (gone) out.push(m);
    }
    return out;
  }

  private deletedOf(ref: string): Promise<void> {
    let p = this.deletedRefs.get(ref);
    if (!p) {
      p = new Promise<void>((resolve) => this.deletions.set(ref, resolve));
      this.deletedRefs.set(ref, p);
    }
    return p;
  }

  /** Hydrate each delivery that carries a reference (recorded as `hydrate` ops); deletes on first read in the broken mode. */
  async hydrate(process: ProcessId, deliveries: readonly Delivery[], drained = false): Promise<void> {
    for (const d of deliveries) {
      const ref = this.refs.get(d.id);
      if (!ref) continue;
      const value: HydrateValue = { id: d.id, entity: d.entity, ref };
      let found = false;
      await this.retry(process, "hydrate", value, async () => {
        try {
          const bytes = await this.store.download(ref);
          found = true;
          return { ...value, found: true, sha256: sha256(bytes), bytes: bytes.length };
        } catch (err) {
          if (isBlobNotFound(err)) return { ...value, found: false };
          throw err;
        }
      });
      if (found && this.plan.deleteOn === "first-read") await this.remove(process, d.id, ref, "first-read");
      if (drained) await this.copySettled(process, d);
    }
  }

  /** One copy of a message was settled (completed, or removed by the final drain): delete its payload once every copy is. */
  async copySettled(process: ProcessId, d: Delivery): Promise<void> {
    const ref = this.refs.get(d.id);
    if (!ref) return;
    const done = this.settled.get(d.id) ?? new Set<string>();
    done.add(d.entity);
    this.settled.set(d.id, done);
    const copies = copiesOf(this.targets.get(d.id) ?? "", this.entities);
    if (this.plan.deleteOn === "copies-settled" && copies.every((c) => done.has(c))) await this.remove(process, d.id, ref, "copies-settled");
  }

  /** The cleanup window: sweep payloads no sent message references, then list what is left (a `store` op). */
  async finish(): Promise<void> {
    const process = new ProcessId("cleaner");
    if (this.plan.sweep !== false) {
      const listed = await this.store.list().catch(() => [...this.uploaded]);
      for (const ref of listed) if (!this.sent.has(ref)) await this.remove(process, undefined, ref, "sweep");
    }
    const value = { cleanupWindowMs: this.plan.cleanupWindowMs };
    await recordOp(this.recorder, process, "store", value, () => this.store.list(), { ...STORE, completion: (payloads) => ({ ...value, payloads }) });
  }

  private async remove(process: ProcessId, id: string | undefined, ref: string, reason: DeleteValue["reason"]): Promise<void> {
    if (this.deleted.has(ref)) return;
    const value: DeleteValue = { ref, ...(id ? { id } : {}), reason };
    if (await this.retry(process, "delete", value, () => this.store.delete(ref))) {
      this.deleted.add(ref);
      this.deletedOf(ref);
      this.deletions.get(ref)?.();
    }
  }

  /** Run one store call as an op, retrying (with backoff, on the real clock) while the store fails. */
  private async retry<T>(process: ProcessId, f: "upload" | "hydrate" | "delete", value: object, call: () => Promise<T>): Promise<boolean> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const outcome = await recordOp(this.recorder, process, f, value, () => call().catch((err: unknown) => Promise.reject(isRefused(err) ? new DefiniteFailure(String(err)) : err)), {
        ...STORE,
        completion: (result) => (result && typeof result === "object" ? result : value),
      });
      if (outcome.type === "ok") return true;
      await STORE.clock.sleep(Math.min(2_000, 100 * 2 ** attempt));
    }
    return false;
  }
}

/** A refused connection means the call never reached the store (a definite failure). */
function isRefused(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  return /ECONNREFUSED/.test(`${e?.code ?? ""} ${e?.message ?? ""}`);
}
