/**
 * Kafka wire framing for the protocol proxy: every request and response is a 4-byte size and
 * that many bytes. Requests carry api key, api version and correlation id in their header;
 * responses carry only the correlation id, so a connection's requests (KafkaConnection) say
 * which api each response answers. `raw` is exactly the bytes read: forwarding is transparent.
 */

/** Api names the proxy knows, by api key (the rest are named "api-N"). */
export const KAFKA_APIS: Readonly<Record<number, string>> = {
  0: "Produce", 1: "Fetch", 2: "ListOffsets", 3: "Metadata", 8: "OffsetCommit", 9: "OffsetFetch", 10: "FindCoordinator",
  11: "JoinGroup", 12: "Heartbeat", 13: "LeaveGroup", 14: "SyncGroup", 18: "ApiVersions", 19: "CreateTopics", 22: "InitProducerId",
};

/** Every api kind a protocol fault may name. */
export const KAFKA_KINDS: readonly string[] = Object.values(KAFKA_APIS);

/** One request or response. */
export interface KafkaUnit {
  kind: string;
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  raw: Buffer;
}

/** Splits a byte stream into size-prefixed Kafka messages. */
export class KafkaFramer {
  private buffer: Buffer = Buffer.alloc(0);

  /** Bytes buffered that are not yet a whole message. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Feed bytes; returns the whole messages they completed, in order. */
  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const out: Buffer[] = [];
    let at = 0;
    while (this.buffer.length - at >= 4) {
      const size = this.buffer.readInt32BE(at);
      if (size < 0) throw new Error(`Kafka message at byte ${at} has a negative size`);
      if (this.buffer.length - at < size + 4) break;
      out.push(this.buffer.subarray(at, at + 4 + size));
      at += size + 4;
    }
    this.buffer = this.buffer.subarray(at);
    return out;
  }
}

const nameOf = (apiKey: number): string => KAFKA_APIS[apiKey] ?? `api-${apiKey}`;

/**
 * Both directions of one client connection: requests are decoded from their header and
 * remembered by correlation id until their response passes.
 */
export class KafkaConnection {
  private readonly requests = new KafkaFramer();
  private readonly responses = new KafkaFramer();
  private readonly inFlight = new Map<number, { apiKey: number; apiVersion: number }>();

  /** Client → broker bytes, as requests. */
  fromClient(chunk: Buffer): KafkaUnit[] {
    return this.requests.push(chunk).map((raw) => {
      const apiKey = raw.readInt16BE(4);
      const apiVersion = raw.readInt16BE(6);
      const correlationId = raw.readInt32BE(8);
      this.inFlight.set(correlationId, { apiKey, apiVersion });
      return { kind: nameOf(apiKey), apiKey, apiVersion, correlationId, raw };
    });
  }

  /** Broker → client bytes, as responses (an unknown correlation id is kind "unknown"). */
  fromBroker(chunk: Buffer): KafkaUnit[] {
    return this.responses.push(chunk).map((raw) => {
      const correlationId = raw.readInt32BE(4);
      const request = this.inFlight.get(correlationId);
      this.inFlight.delete(correlationId);
      return request ? { kind: nameOf(request.apiKey), ...request, correlationId, raw } : { kind: "unknown", apiKey: -1, apiVersion: -1, correlationId, raw };
    });
  }

  /** Forget a request that will get no response from the broker (answered by the proxy). */
  answered(correlationId: number): void {
    this.inFlight.delete(correlationId);
  }
}
