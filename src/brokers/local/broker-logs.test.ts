import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { archiveLogs, endpointsOf, logArchiveDir, logName, markBrokerLogs, saveBrokerLogs } from "./broker-logs.js";
import { kafkaService } from "./kafka-service.js";
import type { ServiceState } from "./service.js";
import { writeState } from "./state.js";

describe("endpointsOf", () => {
  it("names a cluster's same-named node logs by their node directory, a single node's by file alone", () => {
    const nodes = ["/t/c/n1/server.log", "/t/c/n2/server.log"];
    expect(nodes.map((f) => logName("kafka-cluster", f, nodes))).toEqual(["kafka-cluster-n1-server.log", "kafka-cluster-n2-server.log"]);
    expect(logName("kafka", "/t/k/server.log", ["/t/k/server.log"])).toBe("kafka-server.log");
  });

  it("reads host:port pairs, without credentials, for every scheme and broker list", () => {
    expect(endpointsOf("amqp://guest:secret@127.0.0.1:5672/vhost?x=1")).toEqual(["127.0.0.1:5672"]);
    expect(endpointsOf("kafka://127.0.0.1:9092,LOCALHOST:9093?idempotent=true")).toEqual(["127.0.0.1:9092", "127.0.0.1:9093"]);
    expect(endpointsOf("memory://")).toEqual([]);
    expect(endpointsOf("servicebus-emulator://")).toEqual([]);
  });
});

describe("broker logs for a run and after down", () => {
  const saved = { cache: process.env.GAUNTLET_CACHE, state: process.env.GAUNTLET_STATE_DIR };
  let root: string;
  let state: ServiceState;
  let log: string;
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), "gauntlet-logs-test-"));
    process.env.GAUNTLET_CACHE = join(root, "cache");
    process.env.GAUNTLET_STATE_DIR = join(root, "state");
    const dir = join(root, "kafka-node");
    log = join(dir, "server.log");
    mkdirSync(dir, { recursive: true });
    writeFileSync(log, "booting\nready\n");
    state = { pid: 0, dir, url: "kafka://127.0.0.1:39092", urls: { proxied: "kafka://127.0.0.1:39093" } };
    await writeState("kafka", state);
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    for (const [k, v] of [["GAUNTLET_CACHE", saved.cache], ["GAUNTLET_STATE_DIR", saved.state]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it("copies only what the matching broker logged during the run", async () => {
    const marks = await markBrokerLogs("kafka://localhost:39093?idempotent=false");
    expect(marks).toEqual([{ service: "kafka", file: log, offset: "booting\nready\n".length }]);
    appendFileSync(log, "rebalance of group g1\n");
    const report = join(root, "report");
    expect(await saveBrokerLogs(marks, report)).toEqual(["broker-logs/kafka-server.log"]);
    expect(readFileSync(join(report, "broker-logs/kafka-server.log"), "utf8")).toBe("rebalance of group g1\n");
  });

  it("ignores brokers on other ports, and logs that did not grow", async () => {
    expect(await markBrokerLogs("kafka://127.0.0.1:1")).toEqual([]);
    const marks = await markBrokerLogs("kafka://127.0.0.1:39092");
    expect(await saveBrokerLogs(marks, join(root, "report"))).toEqual([]);
    expect(existsSync(join(root, "report", "broker-logs"))).toBe(false);
  });

  it("copies a log that was rotated (shrank) during the run whole", async () => {
    const marks = await markBrokerLogs("kafka://127.0.0.1:39092");
    writeFileSync(log, "new\n");
    await saveBrokerLogs(marks, join(root, "report"));
    expect(readFileSync(join(root, "report", "broker-logs/kafka-server.log"), "utf8")).toBe("new\n");
  });

  it("archives a stopping broker's log in the cache and keeps only the newest 30", async () => {
    const kept = await archiveLogs(kafkaService as never, state, new Date("2026-01-02T03:04:05Z"));
    expect(kept).toEqual([join(logArchiveDir(), "20260102-030405-kafka-server.log")]);
    expect(readFileSync(kept[0]!, "utf8")).toBe("booting\nready\n");
    for (let i = 0; i < 35; i++) await archiveLogs(kafkaService as never, state, new Date(Date.UTC(2026, 1, 1, 0, 0, i)));
    const files = readdirSync(logArchiveDir()).sort();
    expect(files).toHaveLength(30);
    expect(files[0]).toBe("20260201-000005-kafka-server.log"); // the oldest were removed
  });
});
