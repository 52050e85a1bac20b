import type { EnvironmentFamily } from "../../core/environment.js";
import { UsageError } from "../../core/errors.js";
import { EMULATOR_FAULTS } from "./emulator-faults.js";
import { startEmulatorEnvironment, startServiceBusEnvironment } from "./environment.js";

/** servicebus-emulator://: a fresh embedded Service Bus emulator per scenario, driven by the real SDK. */
export const serviceBusEmulatorFamily: EnvironmentFamily = {
  scheme: "servicebus-emulator",
  description: "embedded Azure Service Bus emulator",
  faults: EMULATOR_FAULTS,
  faultsHint: "the embedded emulator injects only the AMQP 1.0 faults of its own hooks; no proxy sits in front of it for network or process faults (use amqp:// or kafka:// for those)",
  validate(url) {
    if ([...url.searchParams.keys()].length) throw new UsageError(`--broker: servicebus-emulator:// takes no options (got "${url.search}")`, "use servicebus-emulator://");
  },
  start: startEmulatorEnvironment,
};

/** servicebus://: a real namespace (or any emulator) by a connection string kept in an environment variable. */
export const serviceBusFamily: EnvironmentFamily = {
  scheme: "servicebus",
  description: "Azure Service Bus namespace (connection string from an env var)",
  faults: [],
  faultsHint: "no proxy can sit in front of a cloud namespace; run without --faults",
  validate(url) {
    for (const k of url.searchParams.keys()) if (k !== "connection-string-env") throw new UsageError(`--broker: unknown servicebus:// option "${k}"`, "expected connection-string-env");
  },
  start: startServiceBusEnvironment,
};
