/**
 * The first check of every request: its ID goes back in `X-Request-ID`; while the server stops
 * it answers 503; a repeated single-valued header or a host not allowed is refused (`api.md` §1).
 */
import fp from 'fastify-plugin';
import type { FastifyPluginCallback } from 'fastify';
import { ApiError } from '../errors.ts';
import { checkRepeatedHeaders } from './headers.ts';
import { makeHostCheck, targetAuthority } from './host-check.ts';

/** What the request guard needs to know. */
export interface RequestGuardOptions {
  /** Host names allowed besides the loopback ones. */
  allowedHosts: readonly string[];
  /** Whether the server is stopping (requests then get 503 and `Connection: close`). */
  isStopping: () => boolean;
}

const guard: FastifyPluginCallback<RequestGuardOptions> = (app, { allowedHosts, isStopping }, done) => {
  const isAllowedHost = makeHostCheck(allowedHosts);
  app.addHook('onRequest', (request, reply, next) => {
    reply.header('x-request-id', request.id);
    if (isStopping()) {
      reply.header('connection', 'close');
      throw new ApiError('bridge_unavailable', 'the server is shutting down; retry in a moment', undefined, { 'retry-after': '1' });
    }
    checkRepeatedHeaders(request.raw.rawHeaders);
    const authority = targetAuthority(request.url);
    if (!isAllowedHost(request.headers.host) || (authority !== undefined && !isAllowedHost(authority))) {
      throw new ApiError('forbidden_host', 'this server only answers requests addressed to a loopback or configured host name');
    }
    next();
  });
  done();
};

/** The request guard, for every route of the app (registered first, so it runs first). */
export const requestGuard = fp(guard, { name: 'request-guard' });
