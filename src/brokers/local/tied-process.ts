import { type ChildProcess, spawn } from "node:child_process";

/**
 * A shell that runs the command in the background and blocks reading a pipe from us. When we
 * exit in any way — SIGKILL included, where no handler of ours runs — the pipe closes, the read
 * returns, and the shell kills the command and removes its directory.
 */
const WATCHDOG = `"$0" "$@" </dev/null >>"$GAUNTLET_TIED_LOG" 2>&1 &
child=$!
read -r _ || true
kill "$child" 2>/dev/null
wait "$child" 2>/dev/null
[ -n "$GAUNTLET_TIED_DIR" ] && rm -rf "$GAUNTLET_TIED_DIR"`;

/**
 * Spawn a helper server that must not outlive this process (a run's private toxiproxy). The
 * returned child is the watchdog shell, leader of its own process group: signal `-pid` to stop
 * both. `dir` is removed by the watchdog if we die without stopping it.
 */
export function spawnTiedToThisProcess(command: string, args: string[], options: { log: string; dir?: string }): ChildProcess {
  const child = spawn("sh", ["-c", WATCHDOG, command, ...args], {
    detached: true,
    stdio: ["pipe", "ignore", "ignore"],
    env: { ...process.env, GAUNTLET_TIED_LOG: options.log, GAUNTLET_TIED_DIR: options.dir ?? "" },
  });
  // The pipe must not keep this process alive, and must never be written or closed by us.
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  child.stdin?.on("error", () => {});
  child.unref();
  return child;
}

/** A cleanup armed to run when this process dies, however it dies; disarm() cancels it. */
export interface TiedCleanup {
  disarm(): void;
}

/**
 * Run `script` (sh) if this process dies without disarming it first — SIGKILL included. The
 * watchdog blocks reading a pipe from us; EOF means we are gone. What a run arms: heal the
 * partitions it made and continue the nodes it paused; what a private cluster arms: tear it down.
 */
export function runIfThisProcessDies(script: string): TiedCleanup {
  const child = spawn("sh", ["-c", `read -r _ || true\n${script}`], { detached: true, stdio: ["pipe", "ignore", "ignore"] });
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  child.stdin?.on("error", () => {});
  child.unref();
  return {
    disarm() {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    },
  };
}
