import { spawn } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./cli-helpers.js";

/** The real CLI as a child this process does not block on (an in-process proxy must keep serving meanwhile). */
export function gauntletAsync(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, "bin", "gauntlet.js"), ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1", ...env } });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code) => resolve({ code, output }));
  });
}
