/**
 * Cross-SDK conformance: the official Python, Java and Go Service Bus SDKs, unmodified, run their
 * scenario programs (conformance/sdks/) against a fresh emulator each. Built by
 * conformance/sdks/install.sh (called from .ci/run); a missing build skips with that command,
 * and fails under GAUNTLET_REQUIRE_BROKERS=1.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { requireBroker } from "../../../test/broker-gate.js";
import { startServiceBusEmulator } from "./index.js";

const root = resolve(import.meta.dirname, "../../..");
const cache = join(process.env.GAUNTLET_CACHE ?? join(homedir(), ".cache", "gauntlet"), "conformance");
const INSTALL = "conformance/sdks/install.sh";

/** What install.sh names a build by: the first 12 hex digits of the sha256 of its sources, concatenated. */
function sourceHash(files: string[]): string {
  const h = createHash("sha256");
  for (const f of files) h.update(readFileSync(join(root, f)));
  return h.digest("hex").slice(0, 12);
}
const sorted = (dir: string, ext: string) => readdirSync(join(root, dir)).filter((f) => f.endsWith(ext)).sort().map((f) => `${dir}/${f}`);
const javaClasses = join(cache, `java-classes-${sourceHash(["conformance/sdks/java/pom.xml", ...sorted("conformance/sdks/java/src/main/java/gauntlet", ".java")])}`);
const goBinary = join(cache, `go-conformance-${sourceHash(["conformance/sdks/go/go.mod", "conformance/sdks/go/go.sum", ...sorted("conformance/sdks/go", ".go")])}`);

const SCENARIOS = [
  "send_receive_complete", "application_properties", "batch_of_100", "abandon_and_max_delivery", "dead_letter", "lock_renew", "lock_expiry",
  "defer", "peek", "schedule_and_cancel", "receive_and_delete", "duplicate_detection", "sessions", "topic_filters", "wrong_key",
];

/** Scenarios only some SDKs can express: Python and Go have no rule manager on the data plane. */
const EXTRA: Record<string, string[]> = { "Java SDK (azure-messaging-servicebus)": ["rule_manager"] };
/** Every SDK ends with its administration client (ATOM over HTTP(S) on the emulator's port). */
const LAST = ["administration"];

const SDKS: Array<{ name: string; built: string; command: (cs: string) => [string, string[]] }> = [
  { name: "Python SDK (azure-servicebus)", built: join(cache, "python-venv", "bin", "python"), command: (cs) => [join(cache, "python-venv", "bin", "python"), [join(root, "conformance/sdks/python/conformance.py"), cs]] },
  { name: "Java SDK (azure-messaging-servicebus)", built: join(javaClasses, "gauntlet", "Conformance.class"), command: (cs) => ["java", ["-cp", `${javaClasses}:${join(cache, "java-lib", "*")}`, "gauntlet.Conformance", cs]] },
  { name: "Go SDK (azservicebus)", built: goBinary, command: (cs) => [goBinary, [cs]] },
];

/**
 * The administration clients of JS, Python and Go call https://<Endpoint host:port>: they trust the
 * emulator's self-signed certificate through the usual variables, as a user would (no code change).
 */
function trusting(certPath: string | undefined): NodeJS.ProcessEnv {
  return certPath ? { ...process.env, REQUESTS_CA_BUNDLE: certPath, SSL_CERT_FILE: certPath } : process.env;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile(cmd, args, { timeout: 150_000, maxBuffer: 4 << 20, env }, (err, stdout, stderr) => {
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
        const { code, out } = await run(cmd, args, trusting(emulator.tlsCertificatePath));
        const passed = out.split("\n").filter((l) => l.startsWith("ok ")).map((l) => l.split(" ")[1]);
        expect({ code, failure: out.split("\n").find((l) => l.startsWith("FAIL")) }).toEqual({ code: 0, failure: undefined });
        expect(passed).toEqual([...SCENARIOS, ...(EXTRA[sdk.name] ?? []), ...LAST]);
      } finally {
        await emulator.stop();
      }
    }, 180_000);
  });
}
