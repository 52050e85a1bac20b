import { UsageError } from "../core/errors.js";
import { type EmulatorLimitFlags, parseEmulatorLimits } from "./emulator-limit-options.js";
import { DEFAULT_SAS_KEY, EmulatorConfigError, type ServiceBusEmulator, startServiceBusEmulator } from "../emulator/servicebus/index.js";

const say = (line: string) => process.stdout.write(`${line}\n`);

/**
 * `gauntlet emulator servicebus [--port N] [--config Config.json]`: serve the embedded Service
 * Bus emulator until SIGINT/SIGTERM. A custom key comes from GAUNTLET_SB_KEY and is never printed.
 */
export async function emulatorCommand(kind: string, opts: { port?: string; config?: string; host?: string; json?: boolean } & EmulatorLimitFlags): Promise<number> {
  if (kind !== "servicebus") throw new UsageError(`emulator: unknown kind "${kind}"`, "expected: gauntlet emulator servicebus");
  const port = opts.port === undefined ? 5672 : /^\d{1,5}$/.test(opts.port.trim()) ? Number(opts.port) : Number.NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer 0..65535, got "${opts.port}"`, "e.g. --port 5672, or --port 0 for any free port");
  const limits = parseEmulatorLimits(opts);
  const customKey = process.env.GAUNTLET_SB_KEY;
  let emulator: ServiceBusEmulator;
  try {
    emulator = await startServiceBusEmulator({ port, host: opts.host, config: opts.config, sasKey: customKey || DEFAULT_SAS_KEY, limits });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === "EADDRINUSE") throw new UsageError(`port ${port} is already in use`, `pick another with --port N (0 = any free port), or stop whatever listens on ${port}`);
    if (e.code === "EADDRNOTAVAIL") throw new UsageError(`cannot listen on ${opts.host}: no such local address`, "use --host 127.0.0.1 (default) or an address of this machine");
    if (err instanceof EmulatorConfigError) throw new UsageError(`emulator config: ${err.message}`, "see docs/servicebus-emulator.md for the Config.json shape");
    throw err;
  }
  const connectionString = customKey ? emulator.connectionString.replace(`SharedAccessKey=${customKey}`, "SharedAccessKey=<from GAUNTLET_SB_KEY>") : emulator.connectionString;
  const entities: Array<{ kind: string; name: string; subscriptions?: string[] }> = emulator.entities.map((e) =>
    e.kind === "queue" ? { kind: e.kind, name: e.name } : { kind: e.kind, name: e.name, subscriptions: e.subscriptions.map((s) => s.name) },
  );
  const administration = { url: `https://${emulator.host}:${emulator.port}/ (and http://)`, tlsCertificate: emulator.tlsCertificatePath, tlsUnavailable: emulator.tlsUnavailable };
  if (opts.json) say(JSON.stringify({ host: emulator.host, port: emulator.port, connectionString, entities, startMs: Math.round(emulator.startMs * 10) / 10, limits: emulator.limits, administration }));
  else {
    say(`Service Bus emulator listening on ${emulator.host}:${emulator.port} (started in ${emulator.startMs.toFixed(1)} ms)`);
    say(`connection string: ${connectionString}`);
    if (!entities.length) say("entities: none (pass --config Config.json, or create them with ServiceBusAdministrationClient)");
    for (const e of entities) say(`  ${e.kind} ${e.name}${e.subscriptions ? `  subscriptions: ${e.subscriptions.join(", ")}` : ""}`);
    if (emulator.tlsCertificatePath) {
      say(`administration client (ATOM over HTTPS and HTTP) on the same port; TLS certificate to trust: ${emulator.tlsCertificatePath}`);
      say(`  e.g. NODE_EXTRA_CA_CERTS=${emulator.tlsCertificatePath} (Node), REQUESTS_CA_BUNDLE=… (Python), SSL_CERT_FILE=… (Go)`);
    } else say(`administration client: plain HTTP only (${emulator.tlsUnavailable})`);
    say("press Ctrl-C to stop");
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await emulator.stop();
  if (!opts.json) process.stderr.write("emulator stopped\n");
  return 0;
}
