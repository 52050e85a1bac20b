import { spawn } from "node:child_process";
import { InfrastructureError } from "../../core/errors.js";

/** Run a JVM tool to completion, collecting stdout and stderr; killed after `timeoutMs`. Never left running. */
export function runJava(args: string[], timeoutMs: number, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("java", args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => (out += d.toString("utf8")));
    const kill = () => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL");
    const timer = setTimeout(() => {
      kill();
      reject(new InfrastructureError(`${what} did not finish within ${Math.round(timeoutMs / 1000)} s; output tail:\n${out.slice(-1500)}`));
    }, timeoutMs);
    process.once("exit", kill);
    child.on("error", (err) => {
      clearTimeout(timer);
      process.off("exit", kill);
      reject(new InfrastructureError(`cannot start java for ${what}: ${err.message}`, "apt-get install -y openjdk-17-jre-headless"));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      process.off("exit", kill);
      if (code === 0) resolve(out);
      else reject(new InfrastructureError(`${what} exited with ${code}; output tail:\n${out.slice(-1500)}`));
    });
  });
}
