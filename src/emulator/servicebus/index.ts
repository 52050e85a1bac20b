/**
 * An embedded Azure Service Bus emulator: an AMQP 1.0 server the unmodified
 * @azure/service-bus SDK connects to with `UseDevelopmentEmulator=true`. Starts in milliseconds
 * on any port; see docs/servicebus-emulator.md.
 */
import { type EmulatorEntitySpec, loadConfigFile, resolveEntities } from "./config.js";
import { Faults, FaultState } from "./faults.js";
import { type EmulatorLimits, resolveLimits } from "./limits.js";
import type { EntityModel } from "./model.js";
import { Namespace } from "./namespace.js";
import { EmulatorServer } from "./server.js";
import { atomHandler } from "./admin/atom-http.js";
import { adminListener } from "./admin/listener.js";
import { emulatorCertificate, type TlsCertificate } from "./admin/tls-cert.js";

export type { EmulatorEntitySpec, EmulatorQueueSpec, EmulatorTopicSpec, EmulatorSubscriptionSpec, RuleInput } from "./config.js";
export { EmulatorConfigError, parseConfigJson, loadConfigFile } from "./config.js";
export type { EntityModel } from "./model.js";
export type { Faults, EntitySnapshot } from "./faults.js";
export { type EmulatorLimits, DEFAULT_LIMITS, LIMIT_BOUNDS } from "./limits.js";

export const DEFAULT_SAS_KEY_NAME = "RootManageSharedAccessKey";
export const DEFAULT_SAS_KEY = "SAS_KEY_VALUE";

export interface ServiceBusEmulatorOptions {
  /** 0 (default) = an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  sasKeyName?: string;
  sasKey?: string;
  /** Entities from code; combined with those of `config`. */
  entities?: EmulatorEntitySpec[];
  /** Path to a Config.json in the official emulator's shape. */
  config?: string;
  /** Longest wait of acceptNextSession for a free session (default 5000 ms; the service waits up to the client's timeout). */
  sessionWaitCapMs?: number;
  /** Protocol limits and timeouts; each unset field keeps its default (DEFAULT_LIMITS, docs/servicebus-emulator.md). */
  limits?: Partial<EmulatorLimits>;
  /**
   * The administration API (ATOM over HTTP and HTTPS on the AMQP port, for ServiceBusAdministrationClient);
   * default true. HTTPS needs the `openssl` CLI once, to make the cached self-signed certificate.
   */
  administration?: boolean;
}

export interface ServiceBusEmulator {
  port: number;
  host: string;
  /** `Endpoint=sb://host:port;SharedAccessKeyName=…;SharedAccessKey=…;UseDevelopmentEmulator=true` */
  connectionString: string;
  entities: EntityModel[];
  faults: Faults;
  /** The limits in force. */
  limits: EmulatorLimits;
  /** Milliseconds from the call to listening. */
  startMs: number;
  /** The administration API's TLS certificate (PEM): trust it in the client (NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE, SSL_CERT_FILE). */
  tlsCertificatePath?: string;
  /** Why HTTPS administration is off (no openssl), when it is. */
  tlsUnavailable?: string;
  stop(): Promise<void>;
}

export async function startServiceBusEmulator(options: ServiceBusEmulatorOptions = {}): Promise<ServiceBusEmulator> {
  const t0 = performance.now();
  const specs = [...(options.config ? loadConfigFile(options.config) : []), ...(options.entities ?? [])];
  const entities = resolveEntities(specs);
  const limits = resolveLimits(options.limits);
  const keyName = options.sasKeyName ?? DEFAULT_SAS_KEY_NAME;
  const key = options.sasKey ?? DEFAULT_SAS_KEY;
  const host = options.host ?? "127.0.0.1";
  const state = new FaultState();
  let server: EmulatorServer | undefined;
  const ns = new Namespace(entities, (queue, sessionId, owner) => server?.sessionLockLost(queue, sessionId, owner));
  let tls: TlsCertificate | undefined;
  let tlsUnavailable: string | undefined;
  if (options.administration !== false) {
    try {
      tls = emulatorCertificate(host);
    } catch (err) {
      tlsUnavailable = (err as Error).message;
    }
  }
  const admin = options.administration === false ? undefined : adminListener(atomHandler(ns, { keyName, key, onDeleted: (path) => server?.entityDeleted(path) }), tls);
  server = new EmulatorServer(ns, { keyName, key, faults: state, sessionWaitCapMs: options.sessionWaitCapMs ?? 5000, limits, admin });
  let port: number;
  try {
    port = await server.listen(options.port ?? 0, host);
  } catch (err) {
    ns.close();
    throw err;
  }
  const endpointHost = host.includes(":") ? `[${host}]` : host;
  let stopped: Promise<void> | undefined;
  const running = server;
  return {
    port,
    host,
    connectionString: `Endpoint=sb://${endpointHost}:${port};SharedAccessKeyName=${keyName};SharedAccessKey=${key};UseDevelopmentEmulator=true`,
    entities,
    faults: new Faults(state, running),
    limits,
    startMs: performance.now() - t0,
    tlsCertificatePath: tls?.certPath,
    tlsUnavailable,
    stop: () =>
      (stopped ??= (async () => {
        await running.close();
        ns.close();
      })()),
  };
}
