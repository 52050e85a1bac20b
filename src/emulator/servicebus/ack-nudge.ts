/**
 * Loopback TCP stalls: rhea-based clients (the JS SDK among them) never switch Nagle's algorithm
 * off, so a client that sends two frames in a row where the first needs no answer (a flow, then a
 * drain; a disposition, then a begin) holds the second until the first is acknowledged — and
 * Linux delays that ACK by 40 ms. A frame written back acknowledges at once: after every chunk
 * the server read and did not answer in the same turn of the event loop, it writes an AMQP
 * empty frame (the spec's heartbeat, valid on any open connection and ignored by every client).
 */
import type net from "node:net";

/** An AMQP empty frame: size 8, data offset 2, type 0 (AMQP), channel 0, no body. */
export const EMPTY_FRAME = Buffer.from([0, 0, 0, 8, 2, 0, 0, 0]);

/** Acknowledge each unanswered read with an empty frame once the AMQP connection is open. */
export function acknowledgeEveryRead(socket: net.Socket, isOpen: () => boolean): void {
  socket.on("data", () => {
    const written = socket.bytesWritten + socket.writableLength;
    setImmediate(() => {
      if (socket.destroyed || !socket.writable || !isOpen()) return;
      if (socket.bytesWritten + socket.writableLength === written) socket.write(EMPTY_FRAME);
    });
  });
}
