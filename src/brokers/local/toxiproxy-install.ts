import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InfrastructureError } from "../../core/errors.js";
import { gauntletCache } from "./state.js";

export const TOXIPROXY_VERSION = "v2.12.0";
export const TOXIPROXY_INSTALL = "npx gauntlet brokers install toxiproxy   (builds it with Go ≥ 1.23 from the Go module proxy)";
/** Fetched from the Go module proxy when no Go ≥ 1.23 is on this machine (a later one if the proxy lacks it). */
const TOOLCHAIN = "v0.0.1-go1.24.4.linux-amd64";
const TOOLCHAINS = "https://proxy.golang.org/golang.org/toolchain/@v";

export function toxiproxyBinary(): string {
  return join(gauntletCache(), "bin", "toxiproxy-server");
}

export function toxiproxyInstalled(): boolean {
  return existsSync(toxiproxyBinary());
}

/** The built binary reports the version stamped in at build time (see installToxiproxy's -ldflags). */
function installedVersionOk(): boolean {
  if (!toxiproxyInstalled()) return false;
  const r = spawnSync(toxiproxyBinary(), ["-version"], { encoding: "utf8", timeout: 10_000 });
  return r.status === 0 && (r.stdout + r.stderr).includes(TOXIPROXY_VERSION.slice(1));
}

function goVersionOk(go: string): boolean {
  const r = spawnSync(go, ["version"], { encoding: "utf8" });
  const m = /go(\d+)\.(\d+)/.exec(r.stdout ?? "");
  return r.status === 0 && m !== null && (Number(m[1]) > 1 || Number(m[2]) >= 23);
}

/** The pinned toolchain if the proxy has it, else its newest stable linux-amd64 release. */
async function pickToolchain(): Promise<string> {
  const res = await fetch(`${TOOLCHAINS}/list`).catch(() => undefined);
  const listed = res?.ok ? (await res.text()).split("\n").filter((v) => /^v0\.0\.1-go1\.\d+\.\d+\.linux-amd64$/.test(v)) : [];
  if (listed.length === 0 || listed.includes(TOOLCHAIN)) return TOOLCHAIN;
  const minor = (v: string) => /go1\.(\d+)\.(\d+)/.exec(v)!.slice(1).map(Number) as [number, number];
  return listed.sort((a, b) => minor(a)[0] - minor(b)[0] || minor(a)[1] - minor(b)[1]).at(-1)!;
}

/** Unzip with python3 or unzip, whichever this machine has (Node has no zip reader). */
function unzip(zip: string, dir: string): boolean {
  const py = spawnSync("python3", ["-c", "import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])", zip, dir], { stdio: "inherit" });
  if (py.status === 0) return true;
  return spawnSync("unzip", ["-q", "-o", zip, "-d", dir], { stdio: "inherit" }).status === 0;
}

/** A Go toolchain ≥ 1.23: on PATH, in /usr/local/go, already in the cache, or downloaded from proxy.golang.org into it. */
async function findGo(log: (line: string) => void): Promise<string> {
  const dir = join(gauntletCache(), "go");
  const cached = (v: string) => join(dir, `golang.org/toolchain@${v}`, "bin", "go");
  for (const go of ["go", "/usr/local/go/bin/go", cached(TOOLCHAIN)]) {
    if (goVersionOk(go)) return go;
  }
  const version = await pickToolchain();
  if (goVersionOk(cached(version))) return cached(version);
  log(`toxiproxy: no Go >= 1.23 here; fetching golang.org/toolchain@${version} from proxy.golang.org`);
  await mkdir(dir, { recursive: true });
  const zip = join(dir, "toolchain.zip");
  const url = `${TOOLCHAINS}/${version}.zip`;
  const res = await fetch(url);
  if (!res.ok) throw new InfrastructureError(`cannot download the Go toolchain (${res.status} from ${url})`, "install Go >= 1.23 and retry");
  await writeFile(zip, Buffer.from(await res.arrayBuffer()));
  const unzipped = unzip(zip, dir);
  await rm(zip, { force: true });
  const root = join(dir, `golang.org/toolchain@${version}`);
  // Zip entries carry no exec bit for the module proxy's toolchains.
  spawnSync("chmod", ["-R", "u+x", join(root, "bin"), join(root, "pkg", "tool")]);
  if (!unzipped || !goVersionOk(cached(version))) throw new InfrastructureError("the downloaded Go toolchain does not run", "install Go >= 1.23 and retry");
  return cached(version);
}

/**
 * `go install github.com/Shopify/toxiproxy/v2/cmd/server@v2.12.0` into the cache, with the version
 * stamped in (plain `go install` leaves "git") and Go's module and build caches kept in Gauntlet's
 * cache too. Idempotent: a binary that reports 2.12.0 is kept.
 */
export async function installToxiproxy(log: (line: string) => void): Promise<void> {
  if (installedVersionOk()) {
    log(`toxiproxy: ${TOXIPROXY_VERSION} already installed (${toxiproxyBinary()})`);
    return;
  }
  const go = await findGo(log);
  const cache = gauntletCache();
  const bin = join(cache, "bin");
  await mkdir(bin, { recursive: true });
  log(`toxiproxy: building github.com/Shopify/toxiproxy/v2/cmd/server@${TOXIPROXY_VERSION} with ${go} ...`);
  const started = Date.now();
  const gopath = join(cache, "go", "path");
  const env = { ...process.env, GOBIN: bin, GOPATH: gopath, GOMODCACHE: join(gopath, "pkg", "mod"), GOCACHE: join(cache, "go", "build-cache"), GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod -modcacherw" };
  const ldflags = `-s -w -X github.com/Shopify/toxiproxy/v2.Version=${TOXIPROXY_VERSION.slice(1)}`;
  const r = spawnSync(go, ["install", `-ldflags=${ldflags}`, `github.com/Shopify/toxiproxy/v2/cmd/server@${TOXIPROXY_VERSION}`], { env, encoding: "utf8" });
  if (r.status !== 0) throw new InfrastructureError(`go install toxiproxy failed: ${(r.stdout + r.stderr).trim().slice(-1500)}`, "is proxy.golang.org reachable? retry: npx gauntlet brokers install toxiproxy");
  await rename(join(bin, "server"), toxiproxyBinary());
  if (!installedVersionOk()) throw new InfrastructureError(`the built toxiproxy-server does not report ${TOXIPROXY_VERSION}`);
  log(`toxiproxy: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
