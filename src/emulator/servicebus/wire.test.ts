/**
 * Wire fidelity at the AMQP level (issue 12's eleven faults): what the Python, Java and Go SDKs
 * read strictly and rhea / the JS SDK forgive. Each test decodes the emulator's frames with
 * their AMQP types, so it fails on the old encoding.
 */
import rhea, { type Connection, type EventContext } from "rhea";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codec, type TypedValue, types } from "./amqp.js";
import { type ServiceBusEmulator, startServiceBusEmulator } from "./index.js";
import { management, once, rawConnection } from "./raw-client.test-helper.js";

const SESSION_FILTER = "com.microsoft:session-filter";
const GO_FILTER_CODE = 0x00000137000000c;
const ATTACH = 0x12;
const TRANSFER = 0x14;

/** Encoded sections of a message, by hand: rhea's own encoder would put the footer first. */
function section(code: number, value: unknown): Buffer {
  const w = new codec.Writer();
  w.write(types.described(types.wrap_ulong(code), value as never));
  return w.toBuffer();
}

/** Sections of an encoded message: [descriptor code, typed value]. */
function sections(bytes: Buffer): Array<[number, TypedValue]> {
  const r = new codec.Reader(bytes);
  const out: Array<[number, TypedValue]> = [];
  while (r.remaining()) {
    const s = r.read();
    out.push([Number(s.descriptor?.value), s]);
  }
  return out;
}

function mapOf(value: TypedValue): Map<unknown, TypedValue> {
  const entries = value.value as TypedValue[];
  const m = new Map<unknown, TypedValue>();
  for (let i = 0; i + 1 < entries.length; i += 2) m.set(entries[i]!.value, entries[i + 1]!);
  return m;
}

async function sendRaw(connection: Connection, address: string, bytes: Buffer): Promise<void> {
  const sender = connection.open_sender({ target: { address } });
  await once(sender, "sendable", () => undefined);
  const accepted = once(sender, "accepted", () => undefined);
  sender.send(bytes as never, undefined, 0);
  await accepted;
  sender.close();
}

/** Receive one message on a peek-lock link; resolves to the transfer frame's payload as captured. */
async function receiveOne(c: Awaited<ReturnType<typeof rawConnection>>, address: string): Promise<Buffer> {
  const before = c.capture.of(TRANSFER).length;
  const receiver = c.connection.open_receiver({ source: { address }, credit_window: 0, autoaccept: false, rcv_settle_mode: 1 });
  await once(receiver, "receiver_open", () => undefined);
  const got = once(receiver, "message", (ctx: EventContext) => ctx.delivery);
  receiver.add_credit(1);
  const delivery = await got;
  delivery?.accept();
  receiver.close();
  return c.capture.of(TRANSFER).slice(before).find((f) => f.payload.length > 0)!.payload;
}

describe("wire fidelity for strict SDKs (raw AMQP)", () => {
  let emulator: ServiceBusEmulator;
  let c: Awaited<ReturnType<typeof rawConnection>>;

  beforeAll(async () => {
    emulator = await startServiceBusEmulator({
      entities: [
        { kind: "queue", name: "q", lockDurationMs: 30_000 },
        { kind: "queue", name: "dl" },
        { kind: "queue", name: "s", requiresSession: true },
      ],
    });
    c = await rawConnection(emulator);
  });
  afterAll(async () => {
    c?.connection.close();
    await emulator?.stop();
  });

  it("1: CBS accepts a SAS token put with type jwt (Python), and answers status-code as an AMQP int (3)", async () => {
    const jwt = await rawConnection(emulator, "jwt");
    try {
      expect(jwt.cbsReply.application_properties?.["status-code"]).toBe(202);
      const reply = jwt.capture.of(TRANSFER).at(-1)!;
      const props = mapOf(sections(reply.payload).find(([code]) => code === 0x74)![1]);
      expect(props.get("status-code")?.type.name).toMatch(/^(Int|SmallInt)$/);
    } finally {
      jwt.connection.close();
    }
  });

  it("2: a link address given as a full URI reaches the entity", async () => {
    await sendRaw(c.connection, `amqps://${emulator.host}:${emulator.port}/q`, section(0x77, types.wrap_string("via-uri")));
    const reply = await management(c.connection, `sb://${emulator.host}/q`, "com.microsoft:peek-message", { "from-sequence-number": types.wrap_long(1), "message-count": types.wrap_int(10) });
    expect(reply.application_properties?.statusCode).toBe(200);
    const bodies = (reply.body as { messages: Array<{ message: Buffer }> }).messages.map((m) => sections(m.message).find(([code]) => code === 0x77)?.[1].value);
    expect(bodies).toContain("via-uri");
  });

  it("3, 7: $management statusCode is an int; renew-lock expirations and schedule sequence-numbers are arrays", async () => {
    const at = new Date(Date.now() + 60_000);
    const scheduled = section(0x72, types.wrap_map({ "x-opt-scheduled-enqueue-time": types.wrap_timestamp(at.getTime()) }, types.wrap_symbol));
    const bytes = Buffer.concat([scheduled, section(0x77, types.wrap_string("later"))]);
    await management(c.connection, "q", "com.microsoft:schedule-message", { messages: [{ message: types.wrap_binary(bytes), "message-id": "sched-1" }] });
    const sched = c.capture.of(TRANSFER).at(-1)!;
    const schedBody = mapOf(sections(sched.payload).find(([code]) => code === 0x77)![1]);
    expect(schedBody.get("sequence-numbers")?.type.name).toMatch(/^Array/);
    expect((schedBody.get("sequence-numbers")?.value as TypedValue[])[0]?.type.typecode).toBe(0x81);
    expect(mapOf(sections(sched.payload).find(([code]) => code === 0x74)![1]).get("statusCode")?.type.name).toMatch(/^(Int|SmallInt)$/);

    await sendRaw(c.connection, "q", section(0x77, types.wrap_string("to-renew")));
    const payload = await receiveOneLocked(c, "q");
    const renew = await management(c.connection, "q", "com.microsoft:renew-lock", { "lock-tokens": types.wrap_array([payload.token], 0x98, undefined) });
    expect(renew.application_properties?.statusCode).toBe(200);
    const renewed = mapOf(sections(c.capture.of(TRANSFER).at(-1)!.payload).find(([code]) => code === 0x77)![1]);
    expect(renewed.get("expirations")?.type.name).toMatch(/^Array/);
    expect((renewed.get("expirations")?.value as TypedValue[])[0]?.type.typecode).toBe(0x83);
  });

  it("4: the attach answering a receiver carries a Target of at most 7 fields", async () => {
    const receiver = c.connection.open_receiver({ source: { address: "q" }, target: { address: "my-receiver", durable: 0 }, credit_window: 0 });
    await once(receiver, "receiver_open", () => undefined);
    const attach = c.capture.of(ATTACH).find((f) => f.fields[0]?.value === receiver.name)!;
    const target = attach.fields[6]!;
    expect(Number(target.descriptor?.value)).toBe(0x29);
    expect((target.value as unknown[]).length).toBeLessThanOrEqual(7);
    receiver.close();
  });

  it("5, 6: a session attach echoes a described filter as described, and locked-until-utc as a long", async () => {
    await sendRaw(c.connection, "s", Buffer.concat([section(0x73, types.wrap_list([null, null, null, null, null, null, null, null, null, null, types.wrap_string("sess-1")])), section(0x77, types.wrap_string("in-session"))]));
    const filter = { [SESSION_FILTER]: types.described(types.wrap_ulong(GO_FILTER_CODE), types.wrap_string("sess-1")) };
    const receiver = c.connection.open_receiver({ source: { address: "s", filter } as never, credit_window: 0 });
    await once(receiver, "receiver_open", () => undefined);
    const attach = c.capture.of(ATTACH).find((f) => f.fields[0]?.value === receiver.name)!;
    const source = attach.fields[5]!.value as TypedValue[];
    const echoed = mapOf(source[7]!).get(SESSION_FILTER)!;
    expect(Number(echoed.descriptor?.value)).toBe(GO_FILTER_CODE);
    expect(echoed.value).toBe("sess-1");
    const lockedUntil = mapOf(attach.fields[13]!).get("com.microsoft:locked-until-utc")!;
    expect(lockedUntil.type.typecode).toBe(0x81);
    receiver.close();
    await once(receiver, "receiver_close", () => undefined);
    // The JS SDK's plain string filter comes back plain.
    const plain = c.connection.open_receiver({ source: { address: "s", filter: { [SESSION_FILTER]: "sess-1" } } as never, credit_window: 0 });
    await once(plain, "receiver_open", () => undefined);
    expect((plain.source as { filter: Record<string, unknown> }).filter[SESSION_FILTER]).toBe("sess-1");
    plain.close();
  });

  it("8, 9: sections keep their order (footer after the body) and application properties their AMQP types", async () => {
    const appProps = types.wrap_map({
      int: types.wrap_int(-7),
      uint: types.wrap_uint(7),
      long: types.wrap_long(-9_000_000_000),
      ulong: types.wrap_ulong(9_000_000_000),
      short: types.wrap_short(-3),
      byte: types.wrap_byte(-2),
      ubyte: types.wrap_ubyte(2),
      bool: types.wrap_boolean(true),
      float: types.wrap_float(1.5),
      double: types.wrap_double(2.25),
      ts: types.wrap_timestamp(1_700_000_000_000),
      uuid: types.wrap_uuid(Buffer.alloc(16, 0xab)),
      char: types.wrap_char(0x263a),
      bin: types.wrap_binary(Buffer.from([1, 2, 3])),
      str: types.wrap_string("s"),
    });
    const sent = Buffer.concat([
      section(0x73, types.wrap_list([types.wrap_string("typed-1")])),
      section(0x74, appProps),
      section(0x75, types.wrap_binary(Buffer.from("java-body"))),
      section(0x78, types.wrap_map({}, types.wrap_symbol)),
    ]);
    await sendRaw(c.connection, "dl", sent);
    const got = sections(await receiveOne(c, "dl"));
    expect(got.map(([code]) => code)).toEqual([0x70, 0x72, 0x73, 0x74, 0x75, 0x78]);
    expect(got.find(([code]) => code === 0x75)![1].value).toEqual(Buffer.from("java-body"));
    const received = mapOf(got.find(([code]) => code === 0x74)![1]);
    for (const [key, typed] of mapOf(appProps as unknown as TypedValue)) {
      expect([key, received.get(key)?.type.typecode]).toEqual([key, typed.type.typecode]);
      const plain = (v: unknown) => (v instanceof Date ? v.getTime() : v);
      expect([key, plain(received.get(key)?.value)]).toEqual([key, plain(typed.value)]);
    }
  });

  it("10, 11: a deferred message fetched by sequence number carries x-opt-lock-token; a dead letter has no x-opt-deadletter-source", async () => {
    await sendRaw(c.connection, "dl", Buffer.concat([section(0x73, types.wrap_list([types.wrap_string("defer-1")])), section(0x77, types.wrap_string("d"))]));
    const receiver = c.connection.open_receiver({ source: { address: "dl" }, credit_window: 0, autoaccept: false, rcv_settle_mode: 1 });
    await once(receiver, "receiver_open", () => undefined);
    const got = once(receiver, "message", (ctx: EventContext) => ctx);
    receiver.add_credit(1);
    const ctx = await got;
    const seq = Number((ctx.message?.message_annotations as Record<string, unknown>)["x-opt-sequence-number"]);
    const deferred = once(receiver, "settled", () => undefined);
    ctx.delivery!.update(false, (rhea.message as unknown as { modified(f: object): { described(): unknown } }).modified({ undeliverable_here: true }).described() as never);
    await deferred;
    const reply = await management(c.connection, "dl", "com.microsoft:receive-by-sequence-number", { "sequence-numbers": types.wrap_array([seq], 0x81, undefined), "receiver-settle-mode": types.wrap_uint(1) });
    const entry = (reply.body as { messages: Array<{ message: Buffer; "lock-token": Buffer }> }).messages[0]!;
    const annotations = mapOf(sections(entry.message).find(([code]) => code === 0x71)![1]);
    const token = annotations.get("x-opt-lock-token")!;
    expect(token.type.typecode).toBe(0x98);
    expect(token.value).toEqual(entry["lock-token"]);
    // Dead-letter it over $management, then read the dead letter's annotations.
    await management(c.connection, "dl", "com.microsoft:update-disposition", { "lock-tokens": types.wrap_array([entry["lock-token"]], 0x98, undefined), "disposition-status": "suspended", "deadletter-reason": "r" });
    const dead = sections(await receiveOne(c, "dl/$DeadLetterQueue"));
    const deadAnnotations = mapOf(dead.find(([code]) => code === 0x72)![1]);
    expect(deadAnnotations.has("x-opt-deadletter-source")).toBe(false);
    expect(mapOf(dead.find(([code]) => code === 0x74)![1]).get("DeadLetterReason")?.value).toBe("r");
    receiver.close();
  });
});

/** Receive one message on a peek-lock link and keep it locked; resolves to its lock token (RFC bytes). */
async function receiveOneLocked(c: Awaited<ReturnType<typeof rawConnection>>, address: string): Promise<{ token: Buffer }> {
  const receiver = c.connection.open_receiver({ source: { address }, credit_window: 0, autoaccept: false, rcv_settle_mode: 1 });
  await once(receiver, "receiver_open", () => undefined);
  const got = once(receiver, "message", (ctx: EventContext) => ctx.delivery!);
  receiver.add_credit(1);
  const tag = (await got).tag as Buffer;
  // Delivery tags are .NET-ordered GUIDs; $management wants RFC order.
  return { token: Buffer.from([tag[3]!, tag[2]!, tag[1]!, tag[0]!, tag[5]!, tag[4]!, tag[7]!, tag[6]!, ...tag.subarray(8)]) };
}
