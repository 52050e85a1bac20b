/**
 * The self-signed certificate the emulator's HTTPS side presents (the JS, Python and Go
 * administration clients always build `https://<Endpoint host:port>`). Made once with the
 * `openssl` CLI and cached, so its path is stable and can be trusted up front
 * (NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE, SSL_CERT_FILE). Node has no X.509 writer.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export interface TlsCertificate {
  /** PEM certificate: give this file to the client as a trusted CA. */
  certPath: string;
  cert: Buffer;
  key: Buffer;
}

function cacheDir(): string {
  return join(process.env.GAUNTLET_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "gauntlet"), "servicebus-emulator-tls");
}

const isIp = (h: string) => /^[\d.]+$/.test(h) || h.includes(":");

const loaded = new Map<string, TlsCertificate | Error>();

/** A certificate for localhost, 127.0.0.1, ::1 and `host` (made or read once per process); throws with the reason when openssl is missing or fails. */
export function emulatorCertificate(host: string): TlsCertificate {
  let c = loaded.get(host);
  if (!c) {
    try {
      c = makeOrLoad(host);
    } catch (err) {
      c = err as Error;
    }
    loaded.set(host, c);
  }
  if (c instanceof Error) throw c;
  return c;
}

function makeOrLoad(host: string): TlsCertificate {
  const names = new Set(["DNS:localhost", "IP:127.0.0.1", "IP:::1"]);
  if (host && host !== "0.0.0.0" && host !== "::") names.add(`${isIp(host) ? "IP" : "DNS"}:${host}`);
  const san = [...names].join(",");
  const id = createHash("sha256").update(san).digest("hex").slice(0, 12);
  const dir = cacheDir();
  const certPath = join(dir, `emulator-${id}.crt`);
  const keyPath = join(dir, `emulator-${id}.key`);
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${process.pid}-${Date.now()}`;
    try {
      execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "3650", "-subj", "/CN=gauntlet Service Bus emulator", "-addext", `subjectAltName=${san}`, "-keyout", `${keyPath}.${tmp}`, "-out", `${certPath}.${tmp}`], { stdio: "pipe", timeout: 10_000 });
    } catch (err) {
      throw new Error(`cannot make the emulator's TLS certificate with openssl (${(err as Error).message.split("\n")[0]}); HTTPS administration is off, plain HTTP still works`);
    }
    renameSync(`${keyPath}.${tmp}`, keyPath);
    renameSync(`${certPath}.${tmp}`, certPath);
  }
  return { certPath, cert: readFileSync(certPath), key: readFileSync(keyPath) };
}
