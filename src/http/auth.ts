/**
 * Bearer-token authentication (`api.md` §1), and the brake on guessing: a client that fails
 * authentication too often in a window gets 429 `rate_limited` with `Retry-After`.
 */
import fp from 'fastify-plugin';
import type { FastifyPluginCallback, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { Clock } from '../clock.ts';
import type { TokenHolder, TokenStorage } from '../store/storage.ts';
import { ApiError } from '../errors.ts';
import { rememberToken } from './per-token-caps.ts';
import { matrixUser, type Principal } from '../principal.ts';

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
  ) {}

  /** Rejects with the right `ApiError` unless `header` carries a valid token; resolves to whom it speaks for. */
  async check(header: string | undefined, client: string): Promise<TokenHolder> {
    const token = header !== undefined && /^bearer /i.test(header) ? header.slice(7).trim() : undefined;
    // No token is no guess, and it is all a web page can send (a cross-origin request with an
    // Authorization header needs a preflight, which is refused): it never counts, so that no page
    // can shut the real clients of a loopback server out.
    if (!token) {
      throw new ApiError('missing_token', 'this route needs "Authorization: Bearer <token>"; create a token with: npx bridge-login token create');
    }
    const now = this.clock.now();
    const record = this.failures.get(client);
    if (record && now >= record.resetAt) this.failures.delete(client);
    else if (record && record.count >= this.limits.maxFailures) {
      const seconds = Math.max(1, Math.ceil((record.resetAt - now) / 1000));
      throw new ApiError('rate_limited', `too many failed authentications; try again in ${seconds} s`, undefined, { 'retry-after': String(seconds) });
    }
    const holder = await this.tokens.verify(token, now);
    if (holder === undefined) {
      this.fail(client, now);
      throw new ApiError('invalid_token', 'the access token is unknown, revoked or expired');
    }
    return holder;
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
  /** Where people's requests are kept while open (see {@link OpenRequests}). */
  openRequests?: OpenRequests;
  /** Called with a person's MXID on each of their requests. */
  onPersonSeen?: (userID: string) => void;
}

const authPlugin: FastifyPluginCallback<AuthOptions> = (app, { tokens, clock, limits, openRequests, onPersonSeen }, done) => {
  const auth = new Authenticator(tokens, clock, limits);
  const admit = (request: FastifyRequest, reply: FastifyReply, holder: TokenHolder): void => {
    // The services act for the principal the token belongs to (api.md §10).
    const req = request as FastifyRequest & { principal?: Principal; tokenID?: string };
    req.tokenID = holder.id;
    rememberToken(request, holder.id);
    if (holder.userID !== undefined) {
      req.principal = matrixUser(holder.userID);
      openRequests?.add(holder.userID, reply);
      onPersonSeen?.(holder.userID);
    }
  };
  const authenticate = (request: FastifyRequest, reply: FastifyReply, next: HookHandlerDoneFunction): void => {
    auth
      .check(request.headers.authorization, request.ip)
      .then((holder) => admit(request, reply, holder))
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
    if ((request.is404 || request.method === 'OPTIONS') && needsToken(undefined, request.url)) auth.check(request.headers.authorization, request.ip).then(() => next(), next);
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
