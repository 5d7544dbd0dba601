/**
 * `GET …/login-sessions/{id}/events` (`api.md` §6): the session at once as `event: session`,
 * then again on every change, a keep-alive comment every 15 s, closed after a terminal state
 * (or when the server stops). Like every answer, an event waits until the change it reports is
 * committed.
 */
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Clock, TimerHandle } from '../clock.ts';
import { principalOf } from '../principal.ts';
import { PathID, errorResponses } from '../schemas/common.ts';
import type { SessionService } from './service.ts';
import { tokenOf, type PerTokenCap } from '../http/per-token-caps.ts';

export const KEEP_ALIVE_MS = 15_000;

export function eventRoutes(app: FastifyInstance, sessions: SessionService, clock: Clock, cap: PerTokenCap): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/v1/bridges/:bridgeID/login-sessions/:loginSessionID/events',
    {
      schema: {
        operationId: 'streamLoginSessionEvents',
        summary: 'Stream a login session\'s changes (server-sent events)',
        description: 'Sends `event: session` with the full LoginSession at once and on every change; closes after a terminal state.',
        tags: ['Login sessions'],
        params: Type.Object({ bridgeID: PathID, loginSessionID: PathID }),
        response: { 200: { content: { 'text/event-stream': { schema: Type.String() } } }, ...errorResponses(400, 401, 404, 429) },
      },
    },
    async (request, reply) => {
      const feed = await sessions.watch(principalOf(request), request.params.bridgeID, request.params.loginSessionID);
      const release = cap.acquire(tokenOf(request));
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      // HEAD: the headers a GET would get, and no stream (Node sends no body for HEAD anyway).
      if (request.method === 'HEAD') {
        release();
        res.end();
        return;
      }
      let keepAlive: TimerHandle | undefined;
      let stop = (): void => {};
      const close = (): void => {
        release();
        stop();
        keepAlive?.cancel();
        if (!res.writableEnded) res.end();
      };
      const ping = (): void => {
        if (res.writableEnded) return;
        res.write(': keep-alive\n\n');
        keepAlive = clock.setTimeout(ping, KEEP_ALIVE_MS);
      };
      const write = (json: string, last: boolean): void => {
        if (res.writableEnded) return;
        res.write(`event: session\ndata: ${json}\n\n`);
        if (last) close();
      };
      // The state is taken now, and written once it is saved; a state that could not be
      // saved is not sent, and the stream ends (a client that reconnects reads it again).
      const send = (): void => {
        const json = feed.json;
        const last = feed.finished || feed.ended;
        sessions.whenSaved((saved) => (saved ? write(json, last) : close()));
      };
      stop = feed.watch(send);
      res.once('close', close);
      send();
      if (!res.writableEnded) keepAlive = clock.setTimeout(ping, KEEP_ALIVE_MS);
    },
  );
}
