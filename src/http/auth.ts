/**
 * Bearer-token authentication (`api.md` §1), and the brake on guessing: a client that fails
 * authentication too often in a window gets 429 `rate_limited` with `Retry-After`.
 */
import fp from 'fastify-plugin';
import type { FastifyPluginCallback, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { Clock } from '../clock.ts';
import type { TokenStorage } from '../store/storage.ts';
import type { OAuthStorage } from '../oauth/store.ts';
import { ApiError } from '../errors.ts';
import { rememberToken } from './per-token-caps.ts';
import { OWNER, matrixUser, type Principal } from '../principal.ts';

/** Who a valid token speaks for, and, for a token an app got through OAuth, what it may do. */
export interface Caller {
  principal: Principal;
  /** The token's id for per-token limits: a pasted token's own, or `oauth:<grant>` for an app's. */
  tokenID: string;
  /** Set only for OAuth access tokens: their scopes and the app they were given to. */
  oauth?: { scopes: string[]; clientID: string };
}

export interface AuthLimits {
  /** Failed attempts allowed per client in a window. */
  maxFailures: number;
  windowMs: number;
}

/** Routes under `/v1/` that answer without a token (`api.md` §1). */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set(['/v1/info', '/v1/openapi.json', '/v1/auth/matrix']);

/** Path prefixes under which every route needs a token: the API, and `/v0/` (the MCP endpoint). */
const PROTECTED_PREFIXES = ['/v1/', '/v0/'];

/**
 * Whether a request needs a token. Decided by the pattern of the route the router matched
 * (once per route, when it is added), never by the raw URL, which can spell the same route in other
 * ways the router accepts (`/%761/accounts`, an absolute-form `http://localhost/v1/accounts`).
 * A request that matches no route needs one when its path is under `/v1/` or `/v0/`, so that
 * unknown paths there answer 401 like known ones.
 */
export function needsToken(route: string | undefined, url: string): boolean {
  const path = route ?? url;
  return PROTECTED_PREFIXES.some((prefix) => path.startsWith(prefix)) && (route === undefined || !PUBLIC_ROUTES.has(route));
}

const DEFAULT_LIMITS: AuthLimits = { maxFailures: 20, windowMs: 60_000 };
const MAX_TRACKED_CLIENTS = 10_000;

export class Authenticator {
  private failures = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly tokens: TokenStorage,
    private readonly clock: Clock,
    private readonly limits: AuthLimits = DEFAULT_LIMITS,
    /** Where tokens given to apps through OAuth are looked up when a token is not one of `tokens`. */
    private readonly oauth?: OAuthStorage,
  ) {}

  /** Rejects with the right `ApiError` unless `header` carries a valid token; resolves to whom it speaks for. */
  async check(header: string | undefined, client: string, challenge?: Record<string, string>): Promise<Caller> {
    const token = header !== undefined && /^bearer /i.test(header) ? header.slice(7).trim() : undefined;
    // No token is no guess, and it is all a web page can send (a cross-origin request with an
    // Authorization header needs a preflight, which is refused): it never counts, so that no page
    // can shut the real clients of a loopback server out.
    if (!token) {
      throw new ApiError('missing_token', 'this route needs "Authorization: Bearer <token>"; create a token with: npx bridge-login token create', undefined, challenge);
    }
    const now = this.clock.now();
    const record = this.failures.get(client);
    if (record && now >= record.resetAt) this.failures.delete(client);
    else if (record && record.count >= this.limits.maxFailures) {
      const seconds = Math.max(1, Math.ceil((record.resetAt - now) / 1000));
      throw new ApiError('rate_limited', `too many failed authentications; try again in ${seconds} s`, undefined, { 'retry-after': String(seconds) });
    }
    const holder = await this.tokens.verify(token, now);
    if (holder !== undefined) return { principal: holder.userID === undefined ? OWNER : matrixUser(holder.userID), tokenID: holder.id };
    const grant = await this.oauth?.access(token, now);
    if (grant) return { principal: grant.principal, tokenID: `oauth:${grant.grantID}`, oauth: { scopes: grant.scopes, clientID: grant.clientID } };
    this.fail(client, now);
    throw new ApiError('invalid_token', 'the access token is unknown, revoked or expired', undefined, challenge);
  }

  private fail(client: string, now: number): void {
    const r = this.failures.get(client);
    if (r) r.count++;
    else {
      if (this.failures.size >= MAX_TRACKED_CLIENTS) this.failures.clear();
      this.failures.set(client, { count: 1, resetAt: now + this.limits.windowMs });
    }
  }
}

/**
 * The requests people have open (long-polls, event streams), so that signing a person out
 * everywhere (api.md §10) ends them too: a waiting answer becomes 401 `invalid_token`, and a
 * stream is closed.
 */
export class OpenRequests {
  private readonly byUser = new Map<string, Set<FastifyReply>>();

  add(userID: string, reply: FastifyReply): void {
    let set = this.byUser.get(userID);
    if (!set) this.byUser.set(userID, (set = new Set()));
    set.add(reply);
    reply.raw.once('close', () => {
      set.delete(reply);
      if (set.size === 0 && this.byUser.get(userID) === set) this.byUser.delete(userID);
    });
  }

  /** End every open request of `userID`. */
  end(userID: string): void {
    for (const reply of this.byUser.get(userID) ?? []) {
      if (reply.sent || reply.raw.headersSent) reply.raw.end();
      else void reply.header('www-authenticate', 'Bearer').send(new ApiError('invalid_token', 'the access token was revoked'));
    }
  }
}

/** What the auth plugin checks tokens against. */
export interface AuthOptions {
  tokens: TokenStorage;
  clock: Clock;
  limits?: AuthLimits;
  oauth?: OAuthStorage;
  /** Where people's requests are kept while open (see {@link OpenRequests}). */
  openRequests?: OpenRequests;
  /** Called with a person's MXID on each of their requests. */
  onPersonSeen?: (userID: string) => void;
}

/** Routes an app's token may never use, whatever its scopes: approving apps is the person's own act. */
const PERSON_ONLY_ROUTES: ReadonlySet<string> = new Set(['/v1/oauth/requests/:requestID', '/v1/oauth/decisions', '/v1/apps/:clientID']);

/** Whether an OAuth token's scopes cover a route: `write` covers all, `read` the reads and MCP (whose tools call the API with the same token). */
export function scopesCover(scopes: readonly string[], method: string, route: string): boolean {
  if (PERSON_ONLY_ROUTES.has(route)) return false;
  if (scopes.includes('write')) return true;
  return scopes.includes('read') && (method === 'GET' || method === 'HEAD' || route.startsWith('/v0/mcp'));
}

/** The challenge of a 401 from the MCP endpoint: where its protected-resource metadata is (RFC 9728). */
function challengeFor(request: FastifyRequest): Record<string, string> | undefined {
  if (!(request.routeOptions.url ?? request.url).startsWith('/v0/')) return undefined;
  const metadata = `${request.protocol}://${request.host}/.well-known/oauth-protected-resource/v0/mcp`;
  return { 'www-authenticate': `Bearer resource_metadata="${metadata}"` };
}

const authPlugin: FastifyPluginCallback<AuthOptions> = (app, { tokens, clock, limits, oauth, openRequests, onPersonSeen }, done) => {
  const auth = new Authenticator(tokens, clock, limits, oauth);
  const admit = (request: FastifyRequest, reply: FastifyReply, caller: Caller): void => {
    if (caller.oauth) {
      const route = request.routeOptions.url ?? request.url;
      if (!scopesCover(caller.oauth.scopes, request.method, route)) {
        throw new ApiError('insufficient_scope', `this app's access (${caller.oauth.scopes.join(' ')}) does not cover ${request.method} ${route}`);
      }
    }
    // The services act for the principal the token belongs to (api.md §10).
    const req = request as FastifyRequest & { principal?: Principal; tokenID?: string; caller?: Caller };
    req.principal = caller.principal;
    req.tokenID = caller.tokenID;
    req.caller = caller;
    rememberToken(request, caller.tokenID);
    if (caller.principal.kind === 'user') {
      openRequests?.add(caller.principal.userID, reply);
      onPersonSeen?.(caller.principal.userID);
    }
  };
  const authenticate = (request: FastifyRequest, reply: FastifyReply, next: HookHandlerDoneFunction): void => {
    auth
      .check(request.headers.authorization, request.ip, challengeFor(request))
      .then((caller) => admit(request, reply, caller))
      .then(() => next(), next);
  };
  // A protected route checks the token in a hook of its own, decided once from the route's
  // pattern when the route is added: no per-request work to tell protected and public apart.
  app.addHook('onRoute', (route) => {
    // A GET's automatic HEAD route comes through here on its own, from the GET's original options.
    if (needsToken(route.url, route.url)) route.onRequest = [authenticate, ...[route.onRequest ?? []].flat()];
  });
  // No route matched: a path under /v1/ still needs a token, so unknown API paths answer 401.
  // No route answers OPTIONS but CORS's catch-all (a preflight it did not answer), so an
  // OPTIONS request is judged the same way.
  app.addHook('onRequest', (request, _reply, next) => {
    if ((request.is404 || request.method === 'OPTIONS') && needsToken(undefined, request.url)) auth.check(request.headers.authorization, request.ip, challengeFor(request)).then(() => next(), next);
    else next();
  });
  done();
};

/**
 * Bearer-token authentication for every route under `/v1/` but the public ones, and for unknown
 * paths there. Register it after CORS (a preflight is answered before any token is asked for)
 * and before the routes.
 */
export const authentication = fp(authPlugin, { name: 'authentication' });

/** The caller the auth step found for a request, if it needed a token. */
export function callerOf(request: object): Caller | undefined {
  return (request as { caller?: Caller }).caller;
}
