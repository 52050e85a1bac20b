/** `gauntlet emulator servicebus` as a child process (as `npx gauntlet` runs it), with its RSS. */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ServiceBusClient } from "@azure/service-bus";
import { ROOT } from "./cli-helpers.js";

export interface EmulatorProcess {
  pid: number;
  port: number;
  connectionString: string;
  /** Resident set size now, in MB (Linux /proc). */
  rssMb(): number;
  stop(): Promise<void>;
}

/** Start the CLI emulator on a free port with `flags`, entities from fixtures/servicebus/Config.json (queue "orders"). */
export async function startEmulatorProcess(flags: string[] = []): Promise<EmulatorProcess> {
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, "bin", "gauntlet.js"), "emulator", "servicebus", "--port", "0", "--json", "--config", join(ROOT, "fixtures", "servicebus", "Config.json"), ...flags], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let out = "";
  let err = "";
  child.stderr!.on("data", (b: Buffer) => (err += b.toString()));
  const info = await new Promise<{ port: number; connectionString: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator did not start within 30 s: ${err}`)), 30_000);
    child.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line && out.includes("\n")) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { port: number; connectionString: string });
      }
    });
    child.once("exit", (code) => reject(new Error(`emulator exited with ${code}: ${err}`)));
  });
  const pid = child.pid!;
  return {
    pid,
    ...info,
    rssMb: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** A plain SDK client: one send and one receive-and-delete on `queue`, timed. */
export class SdkProbe {
  private readonly client: ServiceBusClient;
  private n = 0;

  constructor(connectionString: string, private readonly queue: string) {
    this.client = new ServiceBusClient(connectionString, { retryOptions: { maxRetries: 2, retryDelayInMs: 50, timeoutInMs: 10_000 } });
  }

  /** Milliseconds for send + receive of one fresh message (throws if it does not come back). */
  async roundTripMs(): Promise<number> {
    const body = `probe-${++this.n}`;
    const t0 = performance.now();
    const sender = this.client.createSender(this.queue);
    const receiver = this.client.createReceiver(this.queue, { receiveMode: "receiveAndDelete" });
    try {
      await sender.sendMessages({ body });
      const got = await receiver.receiveMessages(1, { maxWaitTimeInMs: 10_000 });
      if (got[0]?.body !== body) throw new Error(`probe ${body}: received ${JSON.stringify(got.map((m) => m.body))}`);
      return performance.now() - t0;
    } finally {
      await Promise.all([sender.close(), receiver.close()]);
    }
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
