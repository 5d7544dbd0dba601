/**
 * @module oauth/routes
 * The `/oauth/` endpoints (api.md §12). The library runs the token endpoint (codes with PKCE,
 * refresh rotation); registration, the start of authorization, revocation, introspection and
 * userinfo are small enough to be written here. Only public clients exist: no secrets.
 */
import OAuth2Server from '@node-oauth/oauth2-server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.ts';
import { OAuthError, formOf, oauthForms } from './forms.ts';
import { metadataRoutes, originOf } from './metadata.ts';
import { SCOPES } from './model.ts';
import { redirectProblem } from './redirects.ts';
import { ACCESS_TTL_MS, type OAuthStorage } from './store.ts';

/** What the OAuth routes work with. */
export interface OAuthRouteOptions {
  store: OAuthStorage;
  server: OAuth2Server;
  clock: Clock;
}

const hidden = { schema: { hide: true } } as const;
const S256 = /^[A-Za-z0-9_-]{43}$/;

/** Redirect to the app with an error (only once its redirect URI is known to be registered). */
function redirectError(reply: FastifyReply, redirectUri: string, error: string, description: string, state?: string): FastifyReply {
  const url = new URL(redirectUri);
  url.searchParams.set('error', error);
  url.searchParams.set('error_description', description);
  if (state !== undefined) url.searchParams.set('state', state);
  return reply.code(303).header('cache-control', 'no-store').redirect(url.href, 303);
}

function single(query: unknown, name: string): string | undefined {
  const v = (query as Record<string, unknown>)[name];
  if (Array.isArray(v)) throw new OAuthError('invalid_request', `the parameter ${JSON.stringify(name)} is repeated`);
  return typeof v === 'string' ? v : undefined;
}

function authorize(app: FastifyInstance, { store, clock }: OAuthRouteOptions): void {
  app.get('/oauth/authorize', hidden, async (request, reply) => {
    const q = request.query;
    const clientID = single(q, 'client_id');
    const client = clientID ? await store.client(clientID) : undefined;
    if (!client) throw new OAuthError('invalid_client', 'client_id is missing or not registered here');
    const asked = single(q, 'redirect_uri');
    const redirectUri = asked ?? (client.redirectUris.length === 1 ? client.redirectUris[0] : undefined);
    // Never redirect to a URI the app did not register: the error is shown here instead.
    if (redirectUri === undefined || !client.redirectUris.includes(redirectUri)) {
      throw new OAuthError('invalid_request', 'redirect_uri does not exactly match a URI this app registered');
    }
    const state = single(q, 'state');
    if (single(q, 'response_type') !== 'code') return redirectError(reply, redirectUri, 'unsupported_response_type', 'response_type must be "code"', state);
    const challenge = single(q, 'code_challenge');
    if (single(q, 'code_challenge_method') !== 'S256' || !challenge || !S256.test(challenge)) {
      return redirectError(reply, redirectUri, 'invalid_request', 'PKCE is required: code_challenge with code_challenge_method=S256', state);
    }
    const scope = single(q, 'scope')?.trim();
    const scopes = scope ? [...new Set(scope.split(/\s+/))].sort() : ['read'];
    if (!scopes.every((s) => (SCOPES as readonly string[]).includes(s))) return redirectError(reply, redirectUri, 'invalid_scope', 'the scopes are read and write', state);
    const id = await store.addPending({ clientID: client.id, clientName: client.name, redirectUri, scopes, codeChallenge: challenge, ...(state !== undefined ? { state } : {}) }, clock.now());
    return reply.header('cache-control', 'no-store').redirect(`/consent.html#request=${id}`, 303);
  });
}

function register(app: FastifyInstance, { store, clock }: OAuthRouteOptions): void {
  app.post('/oauth/register', hidden, async (request, reply) => {
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new OAuthError('invalid_client_metadata', 'send the client metadata as a JSON object');
    const meta = body as Record<string, unknown>;
    const uris = meta.redirect_uris;
    if (!Array.isArray(uris) || uris.length === 0 || uris.length > 10 || !uris.every((u) => typeof u === 'string' && u.length <= 2000)) {
      throw new OAuthError('invalid_redirect_uri', 'redirect_uris must be a list of 1 to 10 URIs');
    }
    for (const uri of uris as string[]) {
      const problem = redirectProblem(uri);
      if (problem) throw new OAuthError('invalid_redirect_uri', problem);
    }
    const method = meta.token_endpoint_auth_method ?? 'none';
    if (method !== 'none') throw new OAuthError('invalid_client_metadata', 'only public clients can register: token_endpoint_auth_method must be "none"');
    const name = typeof meta.client_name === 'string' && meta.client_name.trim() !== '' ? meta.client_name.trim().slice(0, 100) : new URL((uris as string[])[0]!).host || 'Unnamed app';
    const client = await store.registerClient(name, uris as string[], clock.now());
    return reply.code(201).header('cache-control', 'no-store').send({
      client_id: client.id,
      client_id_issued_at: Math.floor(client.createdAt / 1000),
      client_name: client.name,
      redirect_uris: client.redirectUris,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    });
  });
}

function token(app: FastifyInstance, { server }: OAuthRouteOptions): void {
  app.post('/oauth/token', hidden, async (request, reply) => {
    const body = formOf(request);
    const grant = body.grant_type;
    if (grant !== 'authorization_code' && grant !== 'refresh_token') throw new OAuthError('unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
    const req = new OAuth2Server.Request({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '1' }, query: {}, body: { ...body } });
    const res = new OAuth2Server.Response({ headers: {} });
    try {
      await server.token(req, res);
    } catch (err) {
      const e = err as { name?: string; message?: string; code?: number };
      if (err instanceof OAuth2Server.OAuthError && e.code !== undefined && e.code < 500) {
        // A wrong client is invalid_client; every other refusal of a code or token is invalid_grant.
        throw new OAuthError(e.name ?? 'invalid_request', e.message ?? 'the request was refused', e.code === 401 ? 401 : 400);
      }
      throw err;
    }
    const out = { ...(res.body as Record<string, unknown>) };
    if (Array.isArray(out.scope)) out.scope = out.scope.join(' ');
    // The library counts down from its own wall clock; the token lives exactly this long on ours.
    out.expires_in = ACCESS_TTL_MS / 1000;
    return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(out);
  });
}

function revokeAndIntrospect(app: FastifyInstance, { store, clock }: OAuthRouteOptions): void {
  app.post('/oauth/revoke', hidden, async (request, reply) => {
    const { token: value } = formOf(request);
    if (!value) throw new OAuthError('invalid_request', 'the token parameter is required');
    const now = clock.now();
    const grant = await store.grantOf(value);
    // A refresh token stands for the whole grant; an access token for itself (RFC 7009 §2.1).
    if (grant && (await store.refresh(value, now))) await store.revokeGrant(grant, now);
    else await store.spendToken(value, now);
    return reply.code(200).header('cache-control', 'no-store').send({});
  });
  app.post('/oauth/introspect', hidden, async (request, reply) => {
    const { token: value } = formOf(request);
    if (!value) throw new OAuthError('invalid_request', 'the token parameter is required');
    const grant = await store.access(value, clock.now());
    reply.header('cache-control', 'no-store');
    if (!grant) return { active: false };
    return {
      active: true,
      scope: grant.scopes.join(' '),
      client_id: grant.clientID,
      sub: subjectOf(grant.principal),
      token_type: 'Bearer',
      iat: Math.floor(grant.createdAt / 1000),
      exp: Math.floor(grant.expiresAt / 1000),
      iss: originOf(request),
    };
  });
}

/** The subject a principal is known by to apps: its Matrix ID, or `owner`. */
export function subjectOf(principal: object): string {
  const p = principal as { kind: string; userID?: string };
  return p.userID ?? p.kind;
}

function userinfo(app: FastifyInstance, { store, clock }: OAuthRouteOptions): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    const value = header && /^bearer /i.test(header) ? header.slice(7).trim() : '';
    const grant = value ? await store.access(value, clock.now()) : undefined;
    if (!grant) {
      const error = value ? 'invalid_token' : 'invalid_request';
      throw new OAuthError(error, 'send an access token given by this server: Authorization: Bearer <token>', 401, { 'www-authenticate': `Bearer error="${error}"` });
    }
    return reply.header('cache-control', 'no-store').send({ sub: subjectOf(grant.principal), scope: grant.scopes.join(' '), client_id: grant.clientID });
  };
  app.get('/oauth/userinfo', hidden, handler);
  app.post('/oauth/userinfo', hidden, handler);
}

/** The OAuth protocol routes and the discovery documents, with their own body parser and error shape. */
export async function oauthRoutes(app: FastifyInstance, options: OAuthRouteOptions): Promise<void> {
  oauthForms(app);
  metadataRoutes(app);
  authorize(app, options);
  register(app, options);
  token(app, options);
  revokeAndIntrospect(app, options);
  userinfo(app, options);
}
