/**
 * Cross-SDK conformance: the official Python, Java and Go Service Bus SDKs, unmodified, run their
 * scenario programs (conformance/sdks/) against a fresh emulator each. Built by
 * conformance/sdks/install.sh (called from .ci/run); a missing build skips with that command,
 * and fails under GAUNTLET_REQUIRE_BROKERS=1.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { requireBroker } from "../../../test/broker-gate.js";
import { startServiceBusEmulator } from "./index.js";

const root = resolve(import.meta.dirname, "../../..");
const cache = join(process.env.GAUNTLET_CACHE ?? join(homedir(), ".cache", "gauntlet"), "conformance");
const INSTALL = "conformance/sdks/install.sh";

const SCENARIOS = [
  "send_receive_complete", "application_properties", "batch_of_100", "abandon_and_max_delivery", "dead_letter", "lock_renew", "lock_expiry",
  "defer", "peek", "schedule_and_cancel", "receive_and_delete", "duplicate_detection", "sessions", "topic_filters", "wrong_key",
];

/** Scenarios only some SDKs can express: Python and Go have no rule manager on the data plane. */
const EXTRA: Record<string, string[]> = { "Java SDK (azure-messaging-servicebus)": ["rule_manager"] };

const SDKS: Array<{ name: string; built: string; command: (cs: string) => [string, string[]] }> = [
  { name: "Python SDK (azure-servicebus)", built: join(cache, "python-venv", "bin", "python"), command: (cs) => [join(cache, "python-venv", "bin", "python"), [join(root, "conformance/sdks/python/conformance.py"), cs]] },
  { name: "Java SDK (azure-messaging-servicebus)", built: join(cache, "java-classes", "gauntlet", "Conformance.class"), command: (cs) => ["java", ["-cp", `${join(cache, "java-classes")}:${join(cache, "java-lib", "*")}`, "gauntlet.Conformance", cs]] },
  { name: "Go SDK (azservicebus)", built: join(cache, "go-conformance"), command: (cs) => [join(cache, "go-conformance"), [cs]] },
];

function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile(cmd, args, { timeout: 150_000, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? ((err as { code: number }).code) : 1) : 0;
      done({ code, out: `${stdout}${code ? `\n${stderr.slice(-2000)}` : ""}` });
    });
  });
}

for (const sdk of SDKS) {
  describe(`${sdk.name} against the emulator`, () => {
    if (!requireBroker(sdk.name, existsSync(sdk.built), INSTALL)) return;
    it("passes every conformance scenario", async () => {
      const emulator = await startServiceBusEmulator({ config: join(root, "conformance/sdks/Config.json") });
      try {
        const [cmd, args] = sdk.command(emulator.connectionString);
        const { code, out } = await run(cmd, args);
        const passed = out.split("\n").filter((l) => l.startsWith("ok ")).map((l) => l.split(" ")[1]);
        expect({ code, failure: out.split("\n").find((l) => l.startsWith("FAIL")) }).toEqual({ code: 0, failure: undefined });
        expect(passed).toEqual([...SCENARIOS, ...(EXTRA[sdk.name] ?? [])]);
      } finally {
        await emulator.stop();
      }
    }, 180_000);
  });
}
