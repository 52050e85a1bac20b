import { connect as netConnect, createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOXIPROXY_INSTALL, toxiproxyInstalled } from "../src/brokers/local/toxiproxy-install.js";
import { type StartedToxiproxy, startToxiproxy } from "../src/brokers/local/toxiproxy-server.js";
import { freePort } from "../src/brokers/local/free-port.js";
import { networkFaults } from "../src/faults/network.js";
import { requireBroker } from "./broker-gate.js";

/** Round trip of one echo through a port, ms; rejects on reset or close. */
const roundTrip = (port: number) =>
  new Promise<number>((resolve, reject) => {
    const started = Date.now();
    const s = netConnect(port, "127.0.0.1", () => s.write("ping"));
    s.once("data", () => (s.destroy(), resolve(Date.now() - started)));
    s.on("error", reject);
    s.once("close", () => reject(new Error("closed")));
  });

describe("network fault injector: scopes, fixed ports, and healing process faults", () => {
  if (!requireBroker("toxiproxy", toxiproxyInstalled(), TOXIPROXY_INSTALL)) return;
  let toxiproxy: StartedToxiproxy;
  const echo = createServer((s) => s.on("error", () => {}).pipe(s));
  beforeAll(async () => {
    toxiproxy = await startToxiproxy();
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
  });
  afterAll(async () => {
    echo.close();
    await toxiproxy?.stop();
  });

  it("hits only the proxies of a step's scope, listens on a fixed port when asked, and healAll undoes process faults too", async () => {
    const upstream = `127.0.0.1:${(echo.address() as { port: number }).port}`;
    const fixed = await freePort();
    const undone: string[] = [];
    const { injector, listen } = await networkFaults(
      toxiproxy.url,
      [
        { name: "to-producers", listen: `127.0.0.1:${fixed}`, upstream, scope: "producers" },
        { name: "to-consumers", listen: "127.0.0.1:0", upstream, scope: "consumers" },
      ],
      "all",
      { available: ["pause"], start: async (step) => ({ stop: async () => void undone.push(step.name) }) },
    );
    try {
      expect(listen["to-producers"]).toBe(`127.0.0.1:${fixed}`);
      const consumerPort = Number(listen["to-consumers"]!.split(":")[1]);
      expect(consumerPort).toBeGreaterThan(0);
      expect(injector.available).toEqual(expect.arrayContaining(["latency", "reset-peer", "cut", "pause"]));

      await injector.start({ name: "latency", atMs: 0, durationMs: 1, params: { latency: 200, jitter: 0 }, scope: "producers" });
      expect(await roundTrip(fixed)).toBeGreaterThanOrEqual(190);
      expect(await roundTrip(consumerPort)).toBeLessThan(100);
      const cut = await injector.start({ name: "cut", atMs: 0, durationMs: 1, scope: "consumers" });
      await expect(roundTrip(consumerPort)).rejects.toThrow();
      await cut.stop();
      expect(await roundTrip(consumerPort)).toBeLessThan(100);

      await injector.start({ name: "pause", atMs: 0, durationMs: 1 });
      await injector.start({ name: "reset-peer", atMs: 0, durationMs: 1 });
      await expect(roundTrip(consumerPort)).rejects.toThrow(/ECONNRESET|closed/);
      await injector.healAll();
      expect(undone).toEqual(["pause"]); // a paused or killed broker is brought back, e.g. on Ctrl-C
      expect(await roundTrip(fixed)).toBeLessThan(100);
      expect(await roundTrip(consumerPort)).toBeLessThan(100);
    } finally {
      await injector.close();
    }
    // close() removed the proxies: nothing listens there any more.
    await expect(roundTrip(fixed)).rejects.toThrow(/ECONNREFUSED/);
  });
});
