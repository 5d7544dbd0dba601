/**
 * The Fastify server's options: body limit, request IDs, bounds on slow clients, errors in the
 * contract's shape for malformed HTTP, lazily compiled serializers, and the router's limits.
 */
import { BODY_LIMIT_BYTES } from '../errors.ts';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { FastifyHttpOptions } from 'fastify';
import { clientErrorHandler, frameworkErrorHandler } from './client-errors.ts';
import { lazySerializers } from './lazy-serializers.ts';

/** Bounds on slow or idle clients, in milliseconds. */
export interface HttpTimeouts {
  /** The request line and headers must arrive within this, from the connection's first byte. */
  headersMs: number;
  /** The whole request, body included, must arrive within this. */
  requestMs: number;
  /** A connection idle between requests is closed after this. */
  keepAliveMs: number;
  /** How often the first two are checked (Node's `connectionsCheckingInterval`). */
  checkIntervalMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: Readonly<HttpTimeouts> = Object.freeze({ headersMs: 30_000, requestMs: 60_000, keepAliveMs: 10_000, checkIntervalMs: 5_000 });

/** The options of the app's Fastify instance, but logging (see `logging.ts`). */
export function fastifyOptions(timeouts: HttpTimeouts, trustProxy: readonly string[] = []): FastifyHttpOptions<Server> {
  return {
    // Behind a reverse proxy (api.md §10) the client's address comes from X-Forwarded-For, but
    // only from the proxies named; nobody else can choose the address the auth brake counts.
    ...(trustProxy.length > 0 ? { trustProxy: [...trustProxy] } : {}),
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    // Idle connections and half-sent requests are closed after bounded times. No socket
    // inactivity timeout: long-polls and event streams are quiet for long stretches.
    requestTimeout: timeouts.requestMs,
    connectionTimeout: 0,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: {
      headersTimeout: Math.min(timeouts.headersMs, timeouts.requestMs),
      connectionsCheckingInterval: timeouts.checkIntervalMs,
      // A request without Host reaches the host check, which refuses it in the error shape.
      requireHostHeader: false,
    },
    // Malformed HTTP and undecodable URLs answer in the contract's error shape.
    clientErrorHandler,
    frameworkErrors: frameworkErrorHandler,
    // Requests that arrive while closing get the contract's 503 from the request guard instead.
    return503OnClosing: false,
    schemaController: { compilersFactory: { buildSerializer: lazySerializers() } },
    // The schemas are TypeBox's, valid by construction: skipping the meta-schema check keeps the
    // start fast (docs/benchmarks.md).
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true, useDefaults: false, validateSchema: false } },
    routerOptions: {
      maxParamLength: 512,
      ignoreDuplicateSlashes: false,
    },
  };
}
