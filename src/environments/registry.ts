import type { EnvironmentFamily } from "../core/environment.js";
import { UsageError } from "../core/errors.js";
import { amqpFamily } from "./amqp/index.js";
import { kafkaFamily } from "./kafka/index.js";
import { memoryFamily } from "./memory/index.js";
import { serviceBusEmulatorFamily, serviceBusFamily } from "./servicebus/index.js";

/**
 * Every broker family Gauntlet knows, one entry each, in the order `gauntlet list` shows them.
 * Adding a family: a driver folder (src/drivers/NAME/), an entry folder here
 * (src/environments/NAME/index.ts) and one line in this list.
 */
export const FAMILIES: readonly EnvironmentFamily[] = [memoryFamily, serviceBusEmulatorFamily, amqpFamily, kafkaFamily, serviceBusFamily];

/** The known schemes, for messages. */
export const knownSchemes = (): string => FAMILIES.map((f) => f.scheme).join(", ");

/** The family of a scheme; an unknown one fails with the list of known ones. */
export function familyOf(scheme: string): EnvironmentFamily {
  const family = FAMILIES.find((f) => f.scheme === scheme);
  if (!family) throw new UsageError(`--broker: unknown scheme "${scheme}"`, `expected one of ${knownSchemes()}`);
  return family;
}
