import type { Channel, Message } from "amqplib";

const DRAIN_IDLE_MS = 500;

/**
 * Everything ready in `queue`, read by a no-ack subscription (for queues that refuse basic.get):
 * until as many messages as queue.declare counted have arrived, or nothing arrived for 500 ms.
 */
export async function drainBySubscription(ch: Channel, queue: string): Promise<Message[]> {
  const { messageCount } = await ch.checkQueue(queue);
  if (messageCount === 0) return [];
  const got: Message[] = [];
  let idle: NodeJS.Timeout | undefined;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const arm = () => {
    clearTimeout(idle);
    idle = setTimeout(done, DRAIN_IDLE_MS);
  };
  const { consumerTag } = await ch.consume(
    queue,
    (msg) => {
      if (!msg) return done();
      got.push(msg);
      if (got.length >= messageCount) done();
      else arm();
    },
    { noAck: true },
  );
  arm();
  await finished;
  clearTimeout(idle);
  await ch.cancel(consumerTag).catch(() => {});
  return got;
}

