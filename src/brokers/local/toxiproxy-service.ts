import { join } from "node:path";
import type { LocalService } from "./service.js";
import { TOXIPROXY_INSTALL, installToxiproxy, toxiproxyBinary, toxiproxyInstalled } from "./toxiproxy-install.js";
import { type ToxiproxyState, startToxiproxy, stopToxiproxy } from "./toxiproxy-server.js";

/** Toxiproxy 2.12.0, built from source with Go; the fault layer creates proxies on demand. */
export const toxiproxyService: LocalService<ToxiproxyState> = {
  name: "toxiproxy",
  installHint: TOXIPROXY_INSTALL,
  installed: toxiproxyInstalled,
  location: () => (toxiproxyInstalled() ? toxiproxyBinary() : undefined),
  install: installToxiproxy,
  async start() {
    return (await startToxiproxy({ keepRunning: true })).state;
  },
  stop: stopToxiproxy,
  logFiles: (state) => [join(state.dir, "toxiproxy.log")],
};
