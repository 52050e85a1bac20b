/**
 * One port, three protocols, told apart by the client's first byte: `A` (the AMQP header) goes
 * to the AMQP server, 0x16 (a TLS ClientHello) to HTTPS, anything else to plain HTTP. The SDKs'
 * administration clients derive their URL from the connection string's Endpoint, so the ATOM
 * API must answer on the AMQP port (JS, Python and Go always say https; the official
 * emulator's separate plain-HTTP port 5300 is reachable only by clients that can be pointed at it).
 */
import http from "node:http";
import https from "node:https";
import type net from "node:net";
import { Duplex } from "node:stream";
import type { TlsCertificate } from "./tls-cert.js";

export interface AdminListener {
  /** Hand a freshly accepted socket over: `amqp` is called for AMQP clients, HTTP(S) is served here. */
  route(socket: net.Socket, amqp: (socket: net.Socket) => void, timeoutMs: number): void;
  close(): void;
}

const AMQP_FIRST_BYTE = 0x41; // "A" of "AMQP"
const TLS_HANDSHAKE = 0x16;

export function adminListener(handler: http.RequestListener, tls: TlsCertificate | undefined): AdminListener {
  const plain = http.createServer({ keepAliveTimeout: 5000 }, handler);
  // Made at the first TLS connection: a secure context costs ~0.3 ms, and most emulators never see one.
  let secure: https.Server | undefined;
  const secureServer = () => {
    if (!secure && tls) {
      secure = https.createServer({ cert: tls.cert, key: tls.key, keepAliveTimeout: 5000 }, handler);
      secure.on("tlsClientError", (e) => {
        if (process.env.GAUNTLET_EMULATOR_DEBUG) process.stderr.write(`emulator: admin TLS: ${e.message}\n`);
      });
    }
    return secure;
  };
  return {
    route(socket, amqp, timeoutMs) {
      const timer = timeoutMs > 0 ? setTimeout(() => socket.destroy(), timeoutMs) : undefined;
      timer?.unref();
      socket.once("close", () => clearTimeout(timer));
      socket.once("data", (chunk: Buffer) => {
        clearTimeout(timer);
        socket.pause();
        const first = chunk[0];
        if (first === AMQP_FIRST_BYTE) {
          socket.unshift(chunk); // rhea reads 'data' events, so it sees these bytes again
          amqp(socket);
          socket.resume();
        } else if (first !== TLS_HANDSHAKE) plain.emit("connection", replay(socket, chunk));
        else {
          const server = secureServer();
          if (server) server.emit("connection", replay(socket, chunk));
          else socket.destroy(); // no certificate (no openssl): HTTPS is off
        }
      });
    },
    close() {
      plain.closeAllConnections();
      secure?.closeAllConnections();
    },
  };
}

/**
 * The socket as a stream that starts with the bytes already read. (Unshifting them would not do:
 * TLS and HTTP read a net.Socket's handle directly and would never see them.)
 */
function replay(socket: net.Socket, first: Buffer): Duplex {
  const stream = new Duplex({
    read: () => void socket.resume(),
    write: (chunk, encoding, cb) => void socket.write(chunk, encoding, cb),
    final: (cb) => {
      socket.end();
      cb();
    },
    destroy: (err, cb) => {
      socket.destroy();
      cb(err);
    },
  });
  stream.push(first);
  socket.on("data", (d: Buffer) => {
    if (!stream.push(d)) socket.pause();
  });
  socket.on("end", () => stream.push(null));
  socket.on("close", () => stream.destroy());
  socket.on("error", () => stream.destroy());
  socket.resume();
  return stream;
}
