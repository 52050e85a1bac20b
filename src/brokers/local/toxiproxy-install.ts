import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { InfrastructureError } from "../../core/errors.js";
import { gauntletCache } from "./state.js";

export const TOXIPROXY_VERSION = "v2.12.0";
export const TOXIPROXY_INSTALL = "npx gauntlet brokers install toxiproxy   (builds it with Go ≥ 1.23 from the Go module proxy)";
/** Fetched from the Go module proxy when no Go ≥ 1.23 is on this machine. */
const TOOLCHAIN = "v0.0.1-go1.24.4.linux-amd64";

export function toxiproxyBinary(): string {
  return join(gauntletCache(), "bin", "toxiproxy-server");
}

export function toxiproxyInstalled(): boolean {
  return existsSync(toxiproxyBinary());
}

function goVersionOk(go: string): boolean {
  const r = spawnSync(go, ["version"], { encoding: "utf8" });
  const m = /go(\d+)\.(\d+)/.exec(r.stdout ?? "");
  return r.status === 0 && m !== null && (Number(m[1]) > 1 || Number(m[2]) >= 23);
}

/** A Go toolchain ≥ 1.23: on PATH, in /usr/local/go, or downloaded from proxy.golang.org into the cache. */
async function findGo(log: (line: string) => void): Promise<string> {
  for (const go of ["go", "/usr/local/go/bin/go", join(gauntletCache(), "go", `golang.org/toolchain@${TOOLCHAIN}`, "bin", "go")]) {
    if (goVersionOk(go)) return go;
  }
  log(`toxiproxy: no Go >= 1.23 here; fetching golang.org/toolchain@${TOOLCHAIN} from proxy.golang.org`);
  const dir = join(gauntletCache(), "go");
  await mkdir(dir, { recursive: true });
  const zip = join(dir, "toolchain.zip");
  const url = `https://proxy.golang.org/golang.org/toolchain/@v/${TOOLCHAIN}.zip`;
  const res = await fetch(url);
  if (!res.ok) throw new InfrastructureError(`cannot download the Go toolchain (${res.status} from ${url})`, "install Go >= 1.23 and retry");
  const { writeFile } = await import("node:fs/promises");
  await writeFile(zip, Buffer.from(await res.arrayBuffer()));
  const unzip = spawnSync("python3", ["-c", `import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])`, zip, dir], { stdio: "inherit" });
  await rm(zip, { force: true });
  const go = join(dir, `golang.org/toolchain@${TOOLCHAIN}`, "bin", "go");
  spawnSync("chmod", ["-R", "u+x", join(dir, `golang.org/toolchain@${TOOLCHAIN}`, "bin"), join(dir, `golang.org/toolchain@${TOOLCHAIN}`, "pkg", "tool")]);
  if (unzip.status !== 0 || !goVersionOk(go)) throw new InfrastructureError("the downloaded Go toolchain does not run", "install Go >= 1.23 and retry");
  return go;
}

/** `go install github.com/Shopify/toxiproxy/v2/cmd/server@v2.12.0` into the cache. Idempotent. */
export async function installToxiproxy(log: (line: string) => void): Promise<void> {
  if (toxiproxyInstalled()) {
    log(`toxiproxy: already installed (${toxiproxyBinary()})`);
    return;
  }
  const go = await findGo(log);
  const bin = join(gauntletCache(), "bin");
  await mkdir(bin, { recursive: true });
  log(`toxiproxy: building github.com/Shopify/toxiproxy/v2/cmd/server@${TOXIPROXY_VERSION} with ${go} ...`);
  const started = Date.now();
  const r = spawnSync(go, ["install", `github.com/Shopify/toxiproxy/v2/cmd/server@${TOXIPROXY_VERSION}`], {
    env: { ...process.env, GOBIN: bin, GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new InfrastructureError(`go install toxiproxy failed: ${(r.stdout + r.stderr).trim().slice(-1500)}`, "is proxy.golang.org reachable? retry: npx gauntlet brokers install toxiproxy");
  await rename(join(bin, "server"), toxiproxyBinary());
  log(`toxiproxy: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
