/**
 * Temp dirs a supervising process removes should this one die without cleaning up (SIGKILL).
 *
 * When Gauntlet runs under the entry shim's Node 24 re-run (bin/gauntlet.js), the shim installs
 * a sink under a global symbol; each announced dir is removed by the shim after this process
 * exits, however it ended. Without a shim there is no supervisor and announcing does nothing:
 * the dir's own owner removes it, as always.
 */
const SHIM_SINK = Symbol.for("gauntlet.shim.tempDirs");

interface TempDirSink {
  announce(path: string): void;
  announceProcess?(pid: number): void;
}

/** Ask the supervisor (if any) to remove `path` should this process die before it does. */
export function announceTempDir(path: string): void {
  (globalThis as { [SHIM_SINK]?: TempDirSink })[SHIM_SINK]?.announce(path);
}

/**
 * A process of ours that may still write into an announced temp dir after this one dies (a
 * handler process finishing its last write before its watchdog stops it): the supervisor waits
 * for it to end before removing the dirs, so the dir is not re-created behind its back.
 */
export function announceProcess(pid: number | undefined): void {
  if (pid !== undefined) (globalThis as { [SHIM_SINK]?: TempDirSink })[SHIM_SINK]?.announceProcess?.(pid);
}
