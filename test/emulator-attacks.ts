/**
 * fast-check arbitraries for hostile AMQP peers of the Service Bus emulator: absurd settle
 * ranges, huge declared frames, oversized transfers, session and link floods, absurd flows,
 * half-open and slowloris sockets. Each attack runs on its own raw connection.
 */
import fc from "fast-check";
import { AMQP_HEADER, amqpFrame, declaredFrame, OPEN_AND_BEGIN, RawPeer, senderAttach } from "../src/emulator/servicebus/raw-peer.test-helper.js";

const uint = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const begin = (ch: number) => amqpFrame("begin", { next_outgoing_id: 0, incoming_window: 100, outgoing_window: 100 }, ch);

/** One hostile peer: a name for the failure report and what it does to a connection. */
export interface Attack {
  kind: string;
  /** Leaves the socket open afterwards (the emulator's timeouts must reap it). */
  lingers: boolean;
  run(peer: RawPeer): Promise<void>;
}

const absurdDispositions = fc
  .record({ role: fc.boolean(), first: uint, last: fc.oneof(fc.constant(2 ** 32 - 1), uint), settled: fc.boolean(), count: fc.integer({ min: 1, max: 20 }) })
  .map(({ count, ...d }): Attack => ({
    kind: `disposition ×${count} ${JSON.stringify(d)}`,
    lingers: false,
    run: (p) => p.send(OPEN_AND_BEGIN, ...Array.from({ length: count }, () => amqpFrame("disposition", d))).then(() => {}),
  }));

const hugeDeclaredFrame = fc
  .record({ size: fc.integer({ min: 65_537, max: 2 ** 32 - 1 }), afterOpen: fc.boolean(), bodyKb: fc.integer({ min: 0, max: 512 }) })
  .map(({ size, afterOpen, bodyKb }): Attack => ({
    kind: `frame declaring ${size} bytes${afterOpen ? " after open" : ""}, ${bodyKb} KB sent`,
    lingers: false,
    run: (p) => p.send(afterOpen ? OPEN_AND_BEGIN : AMQP_HEADER, declaredFrame(size, Buffer.alloc(bodyKb * 1024, 0x5a))).then(() => {}),
  }));

const oversizedTransfer = fc
  .record({ frames: fc.integer({ min: 1, max: 120 }), finish: fc.boolean(), frameKb: fc.integer({ min: 1, max: 63 }) })
  .map(({ frames, finish, frameKb }): Attack => ({
    kind: `transfer of ${frames} × ${frameKb} KB on $cbs${finish ? "" : ", never finished"}`,
    lingers: false,
    run: async (p) => {
      await p.send(OPEN_AND_BEGIN, senderAttach("big", 0, "$cbs"));
      const chunk = Buffer.alloc(frameKb * 1024, 1);
      for (let i = 0; i < frames; i++) {
        const first = i === 0 ? { delivery_id: 0, delivery_tag: Buffer.from("big"), message_format: 0 } : {};
        if (!(await p.send(amqpFrame("transfer", { handle: 0, more: !finish || i < frames - 1, ...first }, 0, chunk)))) return;
      }
    },
  }));

const sessionFlood = fc.integer({ min: 1, max: 2500 }).map(
  (n): Attack => ({
    kind: `${n} sessions`,
    lingers: false,
    run: (p) => p.send(AMQP_HEADER, amqpFrame("open", { container_id: "flood" }), ...Array.from({ length: n }, (_, ch) => begin(ch % 65_536))).then(() => {}),
  }),
);

const linkFlood = fc.record({ n: fc.integer({ min: 1, max: 2500 }), sameName: fc.boolean() }).map(
  ({ n, sameName }): Attack => ({
    kind: `${n} links${sameName ? " of one name" : ""}`,
    lingers: false,
    run: (p) => p.send(OPEN_AND_BEGIN, ...Array.from({ length: n }, (_, h) => senderAttach(sameName ? "same" : `l${h}`, h, "$cbs"))).then(() => {}),
  }),
);

const linksOverSessions = fc.record({ sessions: fc.integer({ min: 2, max: 40 }), perSession: fc.integer({ min: 1, max: 200 }) }).map(
  ({ sessions, perSession }): Attack => ({
    kind: `${perSession} links in each of ${sessions} sessions`,
    lingers: false,
    run: async (p) => {
      await p.send(OPEN_AND_BEGIN, ...Array.from({ length: sessions - 1 }, (_, ch) => begin(ch + 1)));
      for (let ch = 0; ch < sessions; ch++) {
        if (!(await p.send(...Array.from({ length: perSession }, (_, h) => senderAttach(`s${ch}l${h}`, h, "$cbs", ch))))) return;
      }
    },
  }),
);

const absurdFlow = fc.record({ handle: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }), next_incoming_id: uint, incoming_window: uint, next_outgoing_id: uint, outgoing_window: uint, delivery_count: uint, link_credit: uint, drain: fc.boolean() }).map(
  (f): Attack => ({
    kind: `flow ${JSON.stringify(f)}`,
    lingers: false,
    run: (p) => p.send(OPEN_AND_BEGIN, senderAttach("f", 0, "$cbs"), amqpFrame("flow", f)).then(() => {}),
  }),
);

const halfOpen = fc.integer({ min: 0, max: OPEN_AND_BEGIN.length - 1 }).map(
  (n): Attack => ({ kind: `half-open after ${n} handshake bytes`, lingers: true, run: (p) => p.send(OPEN_AND_BEGIN.subarray(0, n)).then(() => {}) }),
);

const slowloris = fc.integer({ min: 1, max: 6 }).map(
  (n): Attack => ({
    kind: `slowloris, ${n} bytes of a frame`,
    lingers: true,
    run: async (p) => {
      await p.send(OPEN_AND_BEGIN);
      const next = begin(1);
      for (let i = 0; i < n; i++) {
        await p.send(next.subarray(i, i + 1));
        await sleep(30);
      }
    },
  }),
);

/** Any one hostile peer. */
export const attack: fc.Arbitrary<Attack> = fc.oneof(absurdDispositions, hugeDeclaredFrame, oversizedTransfer, sessionFlood, linkFlood, linksOverSessions, absurdFlow, halfOpen, slowloris);
