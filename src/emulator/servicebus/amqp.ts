/** Typed access to the parts of rhea the emulator uses that its typings leave out. */
import rhea from "rhea";
import type { Message, Receiver, Sender } from "rhea";

export type { Message };
export type Link = Sender | Receiver;
export const types = rhea.types;

interface Outcome {
  described(): unknown;
}
interface OutcomeFactories {
  accepted(): Outcome;
  rejected(fields: { error?: { condition: string; description?: string } }): Outcome;
  modified(fields: object): Outcome;
  released(): Outcome;
  encode(m: Message): Buffer;
  decode(b: Buffer): Message;
}
const m = rhea.message as unknown as OutcomeFactories;

/** Delivery states, ready for `delivery.update(settled, state)`. */
export const outcomes = {
  accepted: () => m.accepted().described(),
  rejected: (error?: { condition: string; description?: string }) => m.rejected(error ? { error } : {}).described(),
  modified: () => m.modified({}).described(),
  released: () => m.released().described(),
};

export const encodeMessage = (msg: Message): Buffer => m.encode(msg);
export const decodeMessage = (b: Buffer): Message => m.decode(b);

/** Sender fields rhea has but does not type. */
export function senderState(s: Sender): { credit: number; delivery_count: number; _draining?: boolean } {
  return s as unknown as { credit: number; delivery_count: number; _draining?: boolean };
}
