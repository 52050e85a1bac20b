/** Defect switches of the embedded broker: each one a real class of broker bug, off by default. */
export const DEFECTS = {
  "lose-acked": "an acknowledged (send-confirmed) message vanishes without ever being delivered",
  "duplicate-delivery": "a message completed by its consumer is delivered again",
  "reorder-key": "a later message of a key is delivered before an earlier one",
  "early-redelivery": "a message is redelivered while its lock is still held",
  "skip-dlq": "max delivery count exceeded, but the message is redelivered instead of dead-lettered",
  "accept-after-lock-loss": "a settlement arriving after the lock expired is accepted",
} as const;

export type Defect = keyof typeof DEFECTS;

export function isDefect(name: string): name is Defect {
  return Object.hasOwn(DEFECTS, name);
}
