/**
 * Settings of Node's HTTP server that Fastify does not expose: how many headers a request may
 * carry, how many connections may be open at once, and the answer to `CONNECT`, which Node hands
 * to an event of its own instead of to the router (with no listener, it just closed the
 * connection).
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError } from '../errors.ts';

export interface RawServerOptions {
  /** Most connections open at once; past it a new one is closed at once. */
  maxConnections: number;
}

/** Write `error` as a whole HTTP/1.1 answer in the contract's shape, then close the connection. */
export function answerAndClose(socket: Duplex, error: ApiError): void {
  const body = JSON.stringify(error.toBody());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-ID: ${randomUUID()}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.end(() => socket.destroy());
}

/** Apply the settings to the server Fastify made. */
export function hardenRawServer(server: Server, options: RawServerOptions): void {
  // Node keeps only the first 2,000 headers by default and drops the rest silently: a second
  // Host or Authorization after 2,000 fillers would escape the check for repeated headers. With
  // no count limit every header is seen; their total size stays bounded by maxHeaderSize.
  server.maxHeadersCount = 0;
  server.maxConnections = options.maxConnections;
  server.on('connect', (_request, socket: Duplex) => {
    socket.on('error', () => {});
    const message = 'CONNECT is not supported: this server is not a proxy';
    answerAndClose(socket, new ApiError('invalid_request', message, { issues: [{ code: 'method', message, path: ['method'] }] }));
  });
}
