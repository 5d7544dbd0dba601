/**
 * @module oauth/consent
 * The person's side of OAuth, under `/v1/` with the API's Bearer auth and error shape: the
 * consent page reads a waiting request and answers it, and "approved connections" are listed
 * and revoked. Who approves is whoever the page is signed in as (the auth step's principal);
 * a token an app got through OAuth can never approve (auth.ts refuses it on these routes).
 * The Bearer header is also the page's CSRF defence: no other site can send it.
 */
import OAuth2Server from '@node-oauth/oauth2-server';
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.ts';
import { notFound } from '../errors.ts';
import { principalOf } from '../principal.ts';
import type { GrantUser } from './model.ts';
import { redirectHost } from './redirects.ts';
import type { OAuthStorage } from './store.ts';

export interface ConsentOptions {
  store: OAuthStorage;
  server: OAuth2Server;
  clock: Clock;
}

const RequestView = Type.Object({
  clientID: Type.String(),
  clientName: Type.String(),
  redirectHost: Type.String(),
  scopes: Type.Array(Type.String()),
});
const Decision = Type.Object({ requestID: Type.String({ maxLength: 100 }), allow: Type.Boolean() }, { additionalProperties: false });
const Redirect = Type.Object({ redirectTo: Type.String() });
const ConnectionView = Type.Object({
  clientID: Type.String(),
  name: Type.String(),
  scopes: Type.Array(Type.String()),
  createdAt: Type.String(),
  lastUsedAt: Type.Optional(Type.String()),
});

/** Ask the library for the code of an allowed request; returns where to send the browser. */
async function issueCode(server: OAuth2Server, r: { clientID: string; redirectUri: string; scopes: string[]; state?: string; codeChallenge: string }, user: GrantUser): Promise<string> {
  const body = {
    client_id: r.clientID,
    redirect_uri: r.redirectUri,
    response_type: 'code',
    scope: r.scopes.join(' '),
    code_challenge: r.codeChallenge,
    code_challenge_method: 'S256',
    ...(r.state !== undefined ? { state: r.state } : {}),
  };
  const req = new OAuth2Server.Request({ method: 'POST', headers: {}, query: {}, body });
  const res = new OAuth2Server.Response({ headers: {} });
  await server.authorize(req, res, { authenticateHandler: { handle: () => user } });
  const location = res.get('location') as string | undefined;
  if (!location) throw new Error('the authorization gave no redirect');
  return location;
}

/** The consent page's routes and the approved-connections routes. */
export function consentRoutes(app: FastifyInstance, { store, server, clock }: ConsentOptions): void {
  app.get(
    '/v1/oauth/requests/:requestID',
    {
      schema: {
        operationId: 'getOAuthRequest',
        summary: 'An authorization request waiting on the consent page',
        tags: ['Apps'],
        params: Type.Object({ requestID: Type.String({ maxLength: 100 }) }),
        response: { 200: RequestView },
      },
    },
    async (request) => {
      const r = await store.pending((request.params as { requestID: string }).requestID, clock.now());
      if (!r) throw notFound('authorization request (it may have been answered or have expired)');
      return { clientID: r.clientID, clientName: r.clientName, redirectHost: redirectHost(r.redirectUri), scopes: r.scopes };
    },
  );
  app.post('/v1/oauth/decisions', { schema: { operationId: 'decideOAuthRequest', summary: 'Allow or deny an app (the consent page)', tags: ['Apps'], body: Decision, response: { 200: Redirect } } }, async (request) => {
    const { requestID, allow } = request.body as { requestID: string; allow: boolean };
    const r = await store.takePending(requestID, clock.now());
    if (!r) throw notFound('authorization request (it may have been answered or have expired)');
    if (!allow) {
      const url = new URL(r.redirectUri);
      url.searchParams.set('error', 'access_denied');
      url.searchParams.set('error_description', 'the person did not allow access');
      if (r.state !== undefined) url.searchParams.set('state', r.state);
      return { redirectTo: url.href };
    }
    return { redirectTo: await issueCode(server, r, { principal: principalOf(request) }) };
  });
  app.get(
    '/v1/apps',
    { schema: { operationId: 'listApps', summary: 'Apps you allowed through OAuth', tags: ['Apps'], response: { 200: Type.Object({ items: Type.Array(ConnectionView) }) } } },
    async (request) => ({
      items: (await store.connections(principalOf(request))).map((c) => ({
        clientID: c.clientID,
        name: c.name,
        scopes: c.scopes,
        createdAt: new Date(c.createdAt).toISOString(),
        ...(c.lastUsedAt !== undefined ? { lastUsedAt: new Date(c.lastUsedAt).toISOString() } : {}),
      })),
    }),
  );
  app.delete(
    '/v1/apps/:clientID',
    { schema: { operationId: 'revokeApp', summary: 'Revoke an app: its tokens stop at once', tags: ['Apps'], params: Type.Object({ clientID: Type.String({ maxLength: 100 }) }), response: { 204: Type.Null() } } },
    async (request, reply) => {
      if (!(await store.revokeClient(principalOf(request), (request.params as { clientID: string }).clientID, clock.now()))) throw notFound('app');
      return reply.code(204).send();
    },
  );
}
