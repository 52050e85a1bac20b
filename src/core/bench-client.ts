/** Client and broker versions a benchmark ran with, for the record. */
export interface Versions {
  client: string;
  clientVersion?: string;
  broker?: string;
  brokerVersion?: string;
  note?: string;
}

/**
 * What the bench needs from a broker family: per-message publish acks, the SDK's own batch
 * mechanism and a consumer reporting each delivery. One client serves a whole run: one
 * destination (queue or topic) it creates and removes, one producer, one consumer.
 */
export interface BenchClient {
  readonly family: string;
  /** Where it runs: "embedded", or "external" for a broker reached over the network. */
  readonly environment: string;
  /** Settings that shape the numbers (acks, queue type, prefetch, partitions ...), for the record. */
  readonly settings: Record<string, unknown>;
  /** Resolves when the broker has acknowledged (confirmed) this message; rejects on nack or error. */
  sendOne(payload: Buffer, key?: string): Promise<void>;
  /** Sends all payloads through the SDK's batch mechanism; resolves when all are acknowledged. */
  sendBatch(payloads: Buffer[]): Promise<void>;
  /** Start the consumer; resolves once it is ready to receive (sends may start then). */
  consume(onDelivery: (payload: Buffer) => void): Promise<void>;
  versions(): Versions;
  /** Stop the consumer and producer and delete what the client created. */
  close(): Promise<void>;
}
