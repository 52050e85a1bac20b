import { Connection, type Consumer, findErrorBy, offsetCommitV8 } from "@platformatic/kafka";
import { DefiniteFailure } from "../../../core/errors.js";

/** Broker answers proving the commit was not applied because the member's generation is over. */
const REBALANCE_ERRORS = ["REBALANCE_IN_PROGRESS", "ILLEGAL_GENERATION", "UNKNOWN_MEMBER_ID", "FENCED_INSTANCE_ID", "NOT_COORDINATOR", "COORDINATOR_NOT_AVAILABLE"];

/**
 * Sends OffsetCommit (v8, Kafka 2.3+ and 4.x) itself, one attempt, in the generation the record
 * was fetched in. platformatic's `Consumer.commit()` reacts to ILLEGAL_GENERATION /
 * REBALANCE_IN_PROGRESS by rejoining and resending the same offsets under the new generation,
 * so a commit for a partition this member has just lost would be applied. Sent in the old
 * generation, the broker itself refuses it once the group has moved on, and that refusal is a
 * definite failure. Runs on its own connection to the group coordinator.
 */
export class OffsetCommitter {
  private connection: Promise<Connection> | undefined;

  constructor(
    private readonly consumer: Consumer<string | undefined, Buffer, string, string>,
    private readonly groupId: string,
    private readonly topic: string,
  ) {}

  async commit(partition: number, offset: number, leaderEpoch: number, generation: number, memberId: string): Promise<void> {
    const connection = await this.coordinator();
    const partitions = [{ partitionIndex: partition, committedOffset: BigInt(offset), committedLeaderEpoch: leaderEpoch, committedMetadata: null }];
    try {
      await offsetCommitV8.api.async(connection, this.groupId, generation, memberId, null, [{ name: this.topic, partitions }]);
    } catch (err) {
      const refused = REBALANCE_ERRORS.find((id) => findErrorBy(err as Error, "apiId", id));
      if (refused) {
        if (refused.startsWith("NOT_COORDINATOR") || refused.startsWith("COORDINATOR")) this.reset();
        throw new DefiniteFailure(`commit refused (${refused}): the partition was reassigned or the generation ended`, "rebalanced");
      }
      // No answer (connection lost, timeout): the commit may or may not have been applied.
      this.reset();
      throw err;
    }
  }

  private coordinator(): Promise<Connection> {
    this.connection ??= (async () => {
      const node = await this.consumer.findGroupCoordinator();
      const broker = (await this.consumer.metadata({ topics: [this.topic] })).brokers.get(node);
      if (!broker) throw new Error(`group coordinator ${node} is not in the cluster metadata`);
      const connection = new Connection("gauntlet-commits", { connectTimeout: 3_000, requestTimeout: 10_000 });
      connection.on("error", () => {});
      await connection.connect(broker.host, broker.port);
      return connection;
    })();
    const pending = this.connection;
    pending.catch(() => {
      if (this.connection === pending) this.connection = undefined;
    });
    return pending;
  }

  private reset(): void {
    const old = this.connection;
    this.connection = undefined;
    void old?.then((c) => c.close()).catch(() => {});
  }

  async close(): Promise<void> {
    const old = this.connection;
    this.connection = undefined;
    await old?.then((c) => c.close()).catch(() => {});
  }
}
