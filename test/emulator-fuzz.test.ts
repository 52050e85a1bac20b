/**
 * Hostile peers against `gauntlet emulator servicebus` (a child process, as `npx gauntlet`
 * runs it): it must keep serving a plain SDK client within a second, with bounded RSS, during
 * and after the campaign. GAUNTLET_FUZZ_RUNS=500 (and GAUNTLET_FUZZ_SEED) run a longer one.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { amqpFrame, OPEN_AND_BEGIN, RawPeer } from "../src/emulator/servicebus/raw-peer.test-helper.js";
import { attack } from "./emulator-attacks.js";
import { type EmulatorProcess, SdkProbe, startEmulatorProcess } from "./emulator-process.js";

const RUNS = Number(process.env.GAUNTLET_FUZZ_RUNS ?? 25);
const SEED = process.env.GAUNTLET_FUZZ_SEED === undefined ? undefined : Number(process.env.GAUNTLET_FUZZ_SEED);
const LATENCY_BOUND_MS = 1000;
/**
 * RSS growth allowed over the warmed-up baseline, while under attack and once the attackers are
 * gone. Retained heap stays flat (measured in-process after full collections: +0.1 MB per 60
 * runs); RSS grows with V8's heap capacity from the churn (+160 MB at 25 runs, +270 MB at 200)
 * and is not given back, so both bounds are the same. Before the limits one 4 GB frame took 1.3 GB.
 */
const PEAK_GROWTH_MB = 350;
const FINAL_GROWTH_MB = 350;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/**
 * Short timeouts so half-open sockets are reaped within the campaign, and session and link caps
 * below the floods' sizes so every flood reaches its cap. Within the default caps a flood is
 * served (~0.1 ms of CPU per attach unloaded), and four at once on 2 busy cores exceed a second.
 */
const CAMPAIGN_FLAGS = ["--idle-timeout", "1s", "--handshake-timeout", "1s", "--max-sessions", "200", "--max-links", "100", "--max-connection-links", "500"];

describe("acceptance: one absurd disposition frame to `gauntlet emulator servicebus`", () => {
  let emulator: EmulatorProcess;
  let probe: SdkProbe;
  beforeAll(async () => {
    emulator = await startEmulatorProcess();
    probe = new SdkProbe(emulator.connectionString, "orders");
  });
  afterAll(async () => {
    await probe?.close();
    await emulator?.stop();
  });

  it("first=0, last=4294967295 leaves it answering an SDK client within a second", async () => {
    await probe.roundTripMs();
    const peer = await RawPeer.connect(emulator.port);
    await peer.send(OPEN_AND_BEGIN);
    expect(await peer.waitFor((r) => r.name === "begin", 5000)).toBeDefined();
    const rss0 = emulator.rssMb();
    const t0 = performance.now();
    // Frames are handled in order: the answer to the close means the disposition was handled.
    await peer.send(amqpFrame("disposition", { role: true, first: 0, last: 4294967295, settled: true }), amqpFrame("close", {}));
    expect(await peer.waitFor((r) => r.name === "close", 90_000)).toBeDefined();
    const sdkMs = await probe.roundTripMs();
    const totalMs = performance.now() - t0;
    peer.destroy();
    process.stderr.write(`acceptance: disposition handled and SDK round trip done ${totalMs.toFixed(0)} ms after the frame (SDK ${sdkMs.toFixed(0)} ms), RSS ${rss0.toFixed(0)} → ${emulator.rssMb().toFixed(0)} MB\n`);
    expect(totalMs).toBeLessThan(LATENCY_BOUND_MS);
  }, 120_000);
});

describe("fuzzing `gauntlet emulator servicebus` with hostile peers", () => {
  let emulator: EmulatorProcess;
  let probe: SdkProbe;
  const peers: RawPeer[] = [];
  beforeAll(async () => {
    emulator = await startEmulatorProcess(CAMPAIGN_FLAGS);
    probe = new SdkProbe(emulator.connectionString, "orders");
  });
  afterAll(async () => {
    for (const p of peers) p.destroy();
    await probe?.close();
    await emulator?.stop();
  });

  it("keeps serving the SDK within a second and bounded RSS, during and after the campaign", async () => {
    for (let i = 0; i < 5; i++) await probe.roundTripMs(); // warm-up: JIT, SDK links, CBS
    const baseline = emulator.rssMb();
    let worstMs = 0;
    let retried = 0;
    let peak = baseline;
    const lingering: RawPeer[] = [];
    await fc.assert(
      fc.asyncProperty(fc.array(attack, { minLength: 1, maxLength: 4 }), async (attacks) => {
        const ps = await Promise.all(attacks.map(() => RawPeer.connect(emulator.port)));
        peers.push(...ps);
        await Promise.all(attacks.map((a, i) => a.run(ps[i]!).catch(() => {})));
        // A probe over the bound is repeated once: on 2 cores shared with other test files a
        // scheduling stall can slow one; a frozen or still-busy emulator fails both.
        let ms = await probe.roundTripMs();
        if (ms >= LATENCY_BOUND_MS) {
          retried += 1;
          ms = await probe.roundTripMs();
        }
        worstMs = Math.max(worstMs, ms);
        peak = Math.max(peak, emulator.rssMb());
        attacks.forEach((a, i) => (a.lingers ? lingering.push(ps[i]!) : ps[i]!.destroy()));
        expect(ms, attacks.map((a) => a.kind).join(" + ")).toBeLessThan(LATENCY_BOUND_MS);
        expect(emulator.rssMb() - baseline).toBeLessThan(PEAK_GROWTH_MB);
      }),
      // No shrinking: replaying attackers is slow; the seed and the failing run are reported.
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    // Half-open and slowloris sockets are closed by the emulator (1 s timeouts + 1 s grace), not by us.
    const reaped = await Promise.all(lingering.map((p) => Promise.race([p.closed.then(() => true), sleep(5000).then(() => false)])));
    expect(reaped.filter((r) => !r)).toHaveLength(0);
    await sleep(500);
    const after = new SdkProbe(emulator.connectionString, "orders"); // a new connection is accepted
    const finalMs = await after.roundTripMs();
    await after.close();
    const final = emulator.rssMb();
    process.stderr.write(
      `emulator fuzz: ${RUNS} runs, SDK round trip worst ${worstMs.toFixed(0)} ms (after: ${finalMs.toFixed(0)} ms), ` +
        `RSS baseline ${baseline.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, after ${final.toFixed(0)} MB, ${lingering.length} lingering sockets reaped, ${retried} probes repeated\n`,
    );
    expect(finalMs).toBeLessThan(LATENCY_BOUND_MS);
    expect(final - baseline).toBeLessThan(FINAL_GROWTH_MB);
  }, 600_000);
});
