/**
 * Answers for requests that never reach a route: malformed HTTP seen by Node's parser (the
 * `clientError` event), and URLs the router cannot decode. Both answer in the contract's error
 * shape (`api.md` §2) instead of Fastify's own, and log only the error code: Node's parse
 * errors carry the raw bytes of the request (`rawPacket`), tokens and passwords included.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, internalError, invalidRequest } from '../errors.ts';
import { sendApiError } from './error-handler.ts';

function invalid(message: string, code: string): ApiError {
  return invalidRequest([{ code, message, path: [] }], message);
}

/** What a parse error of Node's becomes. */
export function clientErrorToApiError(code: string | undefined): ApiError {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return invalid('the request was not received in time', 'timeout');
    case 'HPE_HEADER_OVERFLOW':
      return invalid('the request line and headers are too large', 'headers_too_large');
    default:
      return invalid('the request is not valid HTTP/1.1', 'malformed');
  }
}

/** The Fastify `clientErrorHandler` (Fastify binds it to the instance): answer in the error shape, then close. */
export function clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  // Never `{ err }`: its rawPacket is the request as sent.
  this.log.debug({ code: err.code }, 'malformed request');
  const api = clientErrorToApiError(err.code);
  const body = JSON.stringify(api.toBody());
  // A request can time out after its answer was sent (a 401 before the body finished
  // arriving): then the connection is just closed, without a second answer after the first.
  const answered = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' && socket instanceof Socket && socket.bytesWritten > 0;
  if (socket.writable && !answered) {
    socket.write(
      `HTTP/1.1 ${api.status} ${STATUS_CODES[api.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-ID: ${randomUUID()}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** The Fastify `frameworkErrors` handler: URLs that cannot be decoded or whose IDs are too long. */
export function frameworkErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-request-id', request.id);
  let api: ApiError;
  if (err.code === 'FST_ERR_BAD_URL') api = invalid('the URL is not valid: a path segment is not well-formed percent-encoded UTF-8', 'bad_url');
  // An ID longer than any the server holds names nothing: 404, like any unknown ID.
  else if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') api = new ApiError('not_found', 'nothing here has an ID of over 512 characters');
  else {
    request.log.error({ code: err.code }, 'router error');
    api = internalError();
  }
  void sendApiError(reply, api);
}
