/**
 * @module app
 * `buildApp(deps)` assembles the server without listening: stores, bridges, services, the
 * HTTP safety layer (host check, auth, body limit, errors) and every route. `main.ts` alone
 * listens; tests call `buildApp` and listen on port 0 or use `inject()`.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions, type HookHandlerDoneFunction } from 'fastify';
import swagger from '@fastify/swagger';
import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config/config.ts';
import { openDatabase, type Db } from './store/db.ts';
import { TokenStore } from './store/tokens.ts';
import { LoginStore } from './store/logins.ts';
import { SessionStore } from './store/sessions.ts';
import { GroupCommit } from './store/group-commit.ts';
import { DemoCookieStore } from './store/demo-cookies.ts';
import { BridgeRegistry } from './bridges/registry.ts';
import { DemoBridge } from './bridges/demo/bridge.ts';
import type { Bridge } from './bridges/types.ts';
import { LoginService } from './logins/service.ts';
import { SessionService } from './sessions/service.ts';
import { sessionRoutes } from './sessions/routes.ts';
import { eventRoutes } from './sessions/events.ts';
import { demoPages } from './bridges/demo/pages.ts';
import { bridgeRoutes } from './bridges/routes.ts';
import { loginRoutes } from './logins/routes.ts';
import { infoRoutes } from './info/routes.ts';
import { Authenticator, needsToken, type AuthLimits } from './http/auth.ts';
import { makeHostCheck, targetAuthority } from './http/host-check.ts';
import { clientErrorHandler, frameworkErrorHandler } from './http/client-errors.ts';
import { checkRepeatedHeaders } from './http/headers.ts';
import { ApiError } from './http/errors.ts';
import { registerErrorHandling } from './http/error-handler.ts';
import { lazySerializers } from './http/lazy-serializers.ts';
import { lazyChildLogger } from './http/lazy-logger.ts';
import { Account, Bridge as BridgeSchema, BridgeLogin, ErrorBody, LoginFlow, Provider, ProvisioningCapabilities, User } from './schemas/common.ts';
import { LoginSession, LoginStep } from './schemas/login-session.ts';
import { APP_VERSION } from './version.ts';
import { webRoutes } from './web/plugin.ts';
import { mcpRoutes } from './mcp/http.ts';

/** What the app needs from outside; everything has a production default but the config. */
export interface AppDeps {
  config: Config;
  clock?: Clock;
  /** An open database; by default the config's file is opened (and closed with the app). */
  db?: Db;
  /** Build the external bridges of the config (the bridgev2 connector); none by default. */
  externalBridges?: (ctx: { clock: Clock; config: Config; log: (msg: string, data?: object) => void }) => Bridge[];
  /** Extra bridges (tests). */
  bridges?: Bridge[];
  /** Fastify logger options; defaults to pino at the config's level with redaction. */
  logger?: FastifyServerOptions['logger'];
  authLimits?: AuthLimits;
  /** How long the server waits on a client; {@link DEFAULT_HTTP_TIMEOUTS} by default. */
  httpTimeouts?: Partial<HttpTimeouts>;
}

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

export interface App {
  server: FastifyInstance;
  tokens: TokenStore;
  sessions: SessionService;
  logins: LoginService;
  bridges: BridgeRegistry;
  db: Db;
  clock: Clock;
  /** The base URL once listening (e.g. `http://127.0.0.1:23373`). */
  baseURL(): string;
  /** Stop: close every wait, stream and timer, the bridges, the server and the database. */
  close(): Promise<void>;
}

/** Everything pino must never write (secrets live in headers and bodies; bodies are never logged). */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'headers.authorization',
  'headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.code',
  '*.fields',
  '*.token',
  '*.sharedSecret',
];

/**
 * Request URLs as logged: one-time tokens in demo paths are hidden, and so is every value of the
 * query (the API reads only `wait`; a client that puts a token there must not have it logged).
 */
function safeURL(url: string): string {
  const q = url.indexOf('?');
  const query = q < 0 ? '' : `?${url.slice(q + 1).replace(/=[^&]*/g, '=[redacted]')}`;
  const pathPart = q < 0 ? url : url.slice(0, q);
  let decoded = pathPart;
  try {
    decoded = decodeURIComponent(pathPart);
  } catch {
    // Not decodable: the router refuses it; compare it as it is.
  }
  // Compared decoded, since the router decodes too: /dem%6F/%73can/<token> is a scan as well.
  return (/\/scan\//i.test(decoded) ? decoded.replace(/(\/scan\/)[^/?#]+/gi, '$1[redacted]') : pathPart) + query;
}

function notJSON(): ApiError {
  return new ApiError('unsupported_media_type', 'request bodies must be JSON (Content-Type: application/json), not compressed');
}

/** Whether a body comes compressed (or otherwise encoded): this server reads plain JSON only. */
function isEncoded(encoding: string | string[] | undefined): boolean {
  return encoding !== undefined && !(typeof encoding === 'string' && /^\s*(identity)?\s*$/i.test(encoding));
}

/** The answer to a request whose changes could not be saved (the commit failed; it is logged). */
function unsaved(): ApiError {
  return new ApiError('internal_error', 'The server could not save this change (a storage error, logged); it may not have taken effect. Please try again.');
}

export async function buildApp(deps: AppDeps): Promise<App> {
  const { config } = deps;
  const clock = deps.clock ?? systemClock;
  const db = deps.db ?? openDatabase(config.databaseFile);
  const ownsDb = deps.db === undefined;
  let listening: { baseURL: string; hostname: string; port: number } | undefined;
  const baseURL = (): string => listening?.baseURL ?? `http://${config.host}:${config.port}`;
  const timeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...deps.httpTimeouts };

  const server = Fastify({
    logger: deps.logger ?? {
      level: config.logLevel,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: { method: string; url: string; id: string }) => ({ method: req.method, url: safeURL(req.url), id: req.id }),
      },
    },
    // Per-request lines only at debug and trace: at info the log stays quiet and the hot path fast.
    logController: new LogController({ disableRequestLogging: !['debug', 'trace'].includes(config.logLevel) }),
    childLoggerFactory: lazyChildLogger,
    bodyLimit: 64 * 1024,
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
    // Requests that arrive while closing get the contract's 503 from the onRequest hook instead.
    return503OnClosing: false,
    schemaController: { compilersFactory: { buildSerializer: lazySerializers() } },
    // The schemas are TypeBox's, valid by construction: checking each against the JSON Schema
    // meta-schema first (compiling the meta-schema itself) was ~45 ms of every start.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true, useDefaults: false, validateSchema: false } },
    routerOptions: {
      maxParamLength: 512,
      ignoreDuplicateSlashes: false,
    },
  });

  const tokens = new TokenStore(db);
  // The writes of one event-loop turn share a commit; answers wait for it (the onSend hook).
  const commits = new GroupCommit(db, (err) => server.log.error({ err }, 'error while committing to the database'));
  const loginStore = new LoginStore(db, commits);
  const sessionStore = new SessionStore(db, commits);
  const bridgeList: Bridge[] = [];
  const demo = config.demo.enabled
    ? new DemoBridge({ clock, logins: loginStore, cookieStore: new DemoCookieStore(db), baseURL, qrRefreshMs: config.demo.qrRefreshSeconds * 1000, maxQRCodes: config.demo.maxQRCodes })
    : undefined;
  if (demo) bridgeList.push(demo);
  // The connectors' own lines (a refused start, a transport error, a failed cancel): ids, statuses
  // and error codes, never a submitted value or the shared secret.
  const bridgeLog = (msg: string, data: object = {}): void => server.log.info(data, msg);
  bridgeList.push(...(deps.externalBridges?.({ clock, config, log: bridgeLog }) ?? []), ...(deps.bridges ?? []));
  const bridges = new BridgeRegistry(bridgeList);
  const logins = new LoginService(loginStore, bridges, clock);
  const sessions = new SessionService({
    clock,
    store: sessionStore,
    logins,
    bridges,
    limits: {
      ttlMs: config.sessions.ttlSeconds * 1000,
      retentionMs: config.sessions.retentionSeconds * 1000,
      maxActive: config.sessions.maxActive,
      longPollMs: config.sessions.longPollSeconds * 1000,
    },
    onError: (err, context) => server.log.error({ err }, `error while ${context}`),
  });
  await sessions.restore();

  // JSON bodies: an empty body counts as none; anything unparsable is `invalid_json`.
  server.removeAllContentTypeParsers();
  server.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (isEncoded(req.headers['content-encoding'])) return done(notJSON(), undefined);
    if (body === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new ApiError('invalid_json', 'the request body is not valid JSON'), undefined);
    }
  });
  // Any other content type: an empty body is no body (some HTTP libraries label an empty POST as
  // a form); a body is refused.
  server.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => {
    if ((body as Buffer).length === 0) return done(null, undefined);
    done(notJSON(), undefined);
  });

  registerErrorHandling(server);
  // No answer leaves before the writes made so far are committed: what a client is told survives
  // a crash. An answer whose writes could not be committed is replaced by an error.
  server.addHook('onSend', (_request, _reply, payload, done) =>
    sessions.whenSaved((saved) => (saved ? done(null, payload) : done(unsaved()))),
  );

  const isAllowedHost = makeHostCheck(config.allowedHosts);
  const auth = new Authenticator(tokens, clock, deps.authLimits);
  const corsOrigins = new Set(config.corsOrigins);
  // A protected route checks the token in a hook of its own, decided once from the route's
  // pattern when the route is added: no per-request work to tell protected and public apart.
  const authenticate = (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    auth.check(request.headers.authorization, request.ip);
    done();
  };
  server.addHook('onRoute', (route) => {
    // A GET's automatic HEAD route comes through here on its own, from the GET's original options.
    if (needsToken(route.url, route.url)) route.onRequest = [authenticate, ...[route.onRequest ?? []].flat()];
  });
  server.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    if (closing) {
      reply.header('connection', 'close');
      throw new ApiError('bridge_unavailable', 'the server is shutting down; retry in a moment', undefined, { 'retry-after': '1' });
    }
    checkRepeatedHeaders(request.raw.rawHeaders);
    const authority = targetAuthority(request.url);
    if (!isAllowedHost(request.headers.host) || (authority !== undefined && !isAllowedHost(authority))) {
      throw new ApiError('forbidden_host', 'this server only answers requests addressed to a loopback or configured host name');
    }
    const origin = request.headers.origin;
    if (origin !== undefined && corsOrigins.has(origin)) {
      reply.header('access-control-allow-origin', origin);
      reply.header('vary', 'Origin');
      if (request.method === 'OPTIONS') {
        reply.header('access-control-allow-methods', 'GET, POST, DELETE');
        reply.header('access-control-allow-headers', 'Authorization, Content-Type, Idempotency-Key, X-Stainless-Timeout, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID');
        reply.header('access-control-max-age', '600');
        reply.code(204).send();
        return;
      }
    }
    // No route matched: a path under /v1/ still needs a token, so unknown API paths answer 401.
    if (request.is404 && needsToken(undefined, request.url)) auth.check(request.headers.authorization, request.ip);
    done();
  });

  await server.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'bridge-login',
        version: APP_VERSION,
        description: 'Login sessions for chat bridges; wire-compatible with the bridge part of the Beeper Desktop API.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearerAuth: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    // The create body may be left out ("{…} or none", api.md §4); the generator marks every body required.
    transformObject: (document) => {
      if (!('openapiObject' in document)) return document.swaggerObject;
      const doc = document.openapiObject;
      const create = (doc as { paths?: Record<string, { post?: { requestBody?: { required?: boolean } } }> }).paths?.['/v1/bridges/{bridgeID}/login-sessions']?.post;
      if (create?.requestBody) create.requestBody.required = false;
      return doc;
    },
  });
  for (const schema of [ErrorBody, User, Provider, Account, BridgeLogin, BridgeSchema, LoginFlow, ProvisioningCapabilities, LoginStep, LoginSession]) {
    server.addSchema(schema);
  }

  infoRoutes(server, () => listening ?? { baseURL: baseURL(), hostname: config.host, port: config.port });
  bridgeRoutes(server, bridges, logins);
  loginRoutes(server, logins);
  sessionRoutes(server, sessions);
  eventRoutes(server, sessions, clock);
  if (demo) await server.register(demoPages, { demo });
  let openapi: string | undefined;
  server.get('/v1/openapi.json', { schema: { hide: true } }, async (_request, reply) => {
    openapi ??= JSON.stringify(server.swagger());
    return reply.type('application/json; charset=utf-8').send(openapi);
  });
  await server.register(webRoutes);
  await server.register(mcpRoutes, { baseURL });

  server.addHook('onListen', async () => {
    const address = server.server.address();
    if (address && typeof address === 'object') {
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      listening = { baseURL: `http://${host}:${address.port}`, hostname: config.host, port: address.port };
    }
  });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      sessions.close();
      await bridges.close();
      await server.close();
      commits.flush();
      if (ownsDb) db.close();
    })());

  return { server, tokens, sessions, logins, bridges, db, clock, baseURL, close };
}
