import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { ChannelModel } from "amqplib";

// amqplib's promise connect() resolves a microtask after the connection opens, but a socket that
// a fault resets right after the handshake emits "error" on a process.nextTick before that, with
// no listener yet: an uncaught exception that ends the run. Its internals (not exported) let us
// attach the listener in the same tick the connection opens.
const require = createRequire(import.meta.url);
const root = dirname(require.resolve("amqplib"));
type RawConnect = (url: string, options: object, callback: (err: Error | null, connection?: unknown) => void) => void;
const rawConnect = (require(join(root, "lib", "connect.js")) as { connect: RawConnect }).connect;
const { ChannelModel: Model } = require(join(root, "lib", "channel_model.js")) as { ChannelModel: new (connection: unknown) => ChannelModel };

/** Connect like amqplib's connect(), with an "error" listener in place before any event can fire. */
export function connectAmqp(url: string): Promise<ChannelModel> {
  return new Promise((resolve, reject) => {
    rawConnect(url, {}, (err, connection) => {
      if (err || !connection) return reject(err ?? new Error("amqplib returned no connection"));
      const model = new Model(connection);
      model.on("error", () => {}); // "close" follows and is what callers act on
      resolve(model);
    });
  });
}

/**
 * Connect to one node of a cluster, starting at node `start` (mod the node count) and failing over
 * to the next ones if it does not answer. Returns the connection and the index of the node it reached.
 */
export async function connectAnyNode(urls: readonly string[], start: number): Promise<{ connection: ChannelModel; node: number }> {
  let last: unknown;
  for (let k = 0; k < urls.length; k++) {
    const node = (((start + k) % urls.length) + urls.length) % urls.length;
    try {
      return { connection: await connectAmqp(urls[node]!), node };
    } catch (err) {
      last = err;
    }
  }
  throw last;
}
