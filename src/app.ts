/**
 * @module app
 * `buildApp(deps)` assembles the server without listening: stores, bridges, services, one
 * Fastify plugin per HTTP concern (src/http/) and every route. `main.ts` alone listens; tests
 * call `buildApp` and listen on port 0 or use `inject()`. Sessions left running by the last
 * process are restored when the server gets ready (`ready()`, `listen()` or a first `inject()`).
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { DestinationStream } from 'pino';
import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config/config.ts';
import type { Db } from './store/db.ts';
import { openStores, type Stores } from './app-stores.ts';
import type { TokenStorage } from './store/storage.ts';
import { BridgeRegistry } from './bridges/registry.ts';
import { DemoBridge } from './bridges/demo/bridge.ts';
import type { Bridge } from './bridges/types.ts';
import { LoginService } from './logins/service.ts';
import { SessionService } from './sessions/service.ts';
import type { Coordinator } from './coordination/coordinator.ts';
import { sessionRoutes } from './sessions/routes.ts';
import { eventRoutes } from './sessions/events.ts';
import { demoPages } from './bridges/demo/pages.ts';
import { bridgeRoutes } from './bridges/routes.ts';
import { loginRoutes } from './logins/routes.ts';
import { infoRoutes } from './info/routes.ts';
import { OpenRequests, authentication, type AuthLimits } from './http/auth.ts';
import { corsForOrigins } from './http/cors.ts';
import { saveBeforeAnswer } from './http/durability.ts';
import { registerErrorHandling } from './http/error-handler.ts';
import { DEFAULT_HTTP_TIMEOUTS, fastifyOptions, type HttpTimeouts } from './http/fastify-options.ts';
import { jsonBodies } from './http/body-parsers.ts';
import { loggingOptions } from './http/logging.ts';
import { openAPI } from './http/openapi.ts';
import { requestGuard } from './http/request-guard.ts';
import { hardenRawServer } from './http/raw-server.ts';
import { maxConnectionsFor, openFileLimit } from './http/connection-limit.ts';
import { waiterCaps } from './http/per-token-caps.ts';
import { MatrixOpenID } from './people/matrix-openid.ts';
import { peopleRoutes } from './people/routes.ts';
import { PeopleService } from './people/service.ts';
import { webRoutes } from './web/plugin.ts';
import { mcpRoutes } from './mcp/http.ts';
import { oauthFeature } from './oauth/feature.ts';
import type { OAuthStorage } from './oauth/store.ts';
import { SqliteOAuthStore } from './oauth/store-sqlite.ts';
import { PgOAuthStore } from './oauth/store-pg.ts';
import { matrixUser } from './principal.ts';

export { DEFAULT_HTTP_TIMEOUTS, type HttpTimeouts } from './http/fastify-options.ts';
export { REDACT_PATHS } from './http/logging.ts';

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
  /** Where the default logger writes (a readable stream for a terminal); JSON on stdout by default. */
  logStream?: DestinationStream;
  authLimits?: AuthLimits;
  /** How long the server waits on a client; {@link DEFAULT_HTTP_TIMEOUTS} by default. */
  httpTimeouts?: Partial<HttpTimeouts>;
  /** Leases and change events across instances; the single process's by default (tests). */
  coordinator?: Coordinator;
  /** Random bytes for the demo bridge's scan tokens and pairing codes (tests: repeatable screens). */
  demoRandom?: (size: number) => Buffer;
}

/** The built app: its Fastify instance (not listening yet), services and stores. */
export interface App {
  /** The HTTP front: `fastify.listen()` to serve, `fastify.inject()` to call it in memory. */
  fastify: FastifyInstance;
  tokens: TokenStorage;
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

/** What {@link buildServices} needs besides the deps: the resolved clock and stores, and where to log. */
interface ServiceContext extends AppDeps {
  clock: Clock;
  stores: Stores;
  baseURL: () => string;
  log: FastifyBaseLogger;
}

/** OAuth's storage, on the database of the other stores. */
function oauthStorageOf(stores: Stores): OAuthStorage {
  if (stores.pg) return new PgOAuthStore(stores.pg.pool);
  if (stores.db) return new SqliteOAuthStore(stores.db);
  throw new Error('the stores are on neither SQLite nor PostgreSQL');
}

/** The bridges and services on the stores of one database. */
function buildServices(deps: ServiceContext) {
  const { config, clock, stores, baseURL, log } = deps;
  const { tokens, logins: loginStore, sessions: sessionStore } = stores;
  const coordinator = deps.coordinator ?? stores.coordinator;
  const bridgeList: Bridge[] = [];
  const demo = config.demo.enabled
    ? new DemoBridge({ clock, logins: loginStore, cookieStore: stores.demoCookies, baseURL, qrRefreshMs: config.demo.qrRefreshSeconds * 1000, maxQRCodes: config.demo.maxQRCodes, maxCookies: config.demo.maxCookies, random: deps.demoRandom, resumable: coordinator?.shared ?? false, pairingStore: stores.demoPairings, onError: (err) => log.error({ err }, 'demo pairing store') })
    : undefined;
  if (demo) bridgeList.push(demo);
  // The connectors' own lines (a refused start, a transport error, a failed cancel): ids, statuses
  // and error codes, never a submitted value or the shared secret.
  const bridgeLog = (msg: string, data: object = {}): void => log.info(data, msg);
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
      maxRetained: config.sessions.maxRetained,
      maxActive: config.sessions.maxActive,
      maxActivePerUser: config.sessions.maxActivePerUser,
      longPollMs: config.sessions.longPollSeconds * 1000,
    },
    onError: (err, context) => log.error({ err }, `error while ${context}`),
    ...(coordinator ? { coordinator } : {}),
  });
  const openRequests = new OpenRequests();
  // Several instances on PostgreSQL share OAuth's clients, grants, codes and tokens.
  const oauth = oauthStorageOf(stores);
  const people = new PeopleService({
    clock,
    openid: new MatrixOpenID({ allowedUsers: config.matrix.allowedUsers, homeservers: config.matrix.homeservers }),
    tokens,
    people: stores.people,
    logins,
    sessions,
    tokenTTLMs: config.auth.tokenTTLSeconds * 1000,
    endRequestsOf: (userID) => openRequests.end(userID),
    revokeAppsOf: (userID, now) => oauth.revokeAll(matrixUser(userID), now),
    onError: (err, context) => log.error({ err }, `error while ${context}`),
  });
  return { tokens, bridges, logins, sessions, demo, people, openRequests, oauth };
}

/**
 * Where the page may send a person's Matrix sign-in: any https homeserver, and the configured
 * homeservers' own origins (plain http ones included, as on a LAN or in tests).
 */
function homeserverOrigins(homeservers: Readonly<Record<string, string>>): string[] {
  return ['https:', ...new Set(Object.values(homeservers).map((url) => new URL(url).origin))];
}

/** Build the app: services on the database, the HTTP plugins and the routes; nothing listens yet. */
export async function buildApp(deps: AppDeps): Promise<App> {
  const { config } = deps;
  const clock = deps.clock ?? systemClock;
  let listening: { baseURL: string; hostname: string; port: number } | undefined;
  const baseURL = (): string => listening?.baseURL ?? `http://${config.host}:${config.port}`;
  const fastify = Fastify({
    ...fastifyOptions({ ...DEFAULT_HTTP_TIMEOUTS, ...deps.httpTimeouts }, config.trustProxy),
    ...loggingOptions({ level: config.logLevel, logger: deps.logger, stream: deps.logStream }),
  });
  hardenRawServer(fastify.server, { maxConnections: maxConnectionsFor(openFileLimit(), config.limits.maxConnections) });

  const stores = await openStores({ config, clock, ...(deps.db ? { db: deps.db } : {}), onError: (err, context) => fastify.log.error({ err }, `error while ${context}`) });
  const { tokens, bridges, logins, sessions, demo, people, openRequests, oauth } = buildServices({ ...deps, clock, stores, baseURL, log: fastify.log });
  const whenSaved = (done: (saved: boolean) => void): void => sessions.whenSaved(done);
  // Restoring asks the bridges over the network: it belongs to starting, not to building. The
  // server is ready once the restored sessions are saved.
  fastify.addHook('onReady', async () => {
    await sessions.restore();
    await new Promise((resolve) => whenSaved(resolve));
  });
  let stopping: Promise<void> | undefined;

  // Hooks run in the order registered: guard, CORS (preflights answered before any token is
  // asked for), auth; then the routes, whose answers wait until their writes are saved.
  await fastify.register(requestGuard, { allowedHosts: config.allowedHosts, isStopping: () => stopping !== undefined });
  await fastify.register(corsForOrigins, { origins: config.corsOrigins });
  await fastify.register(authentication, { tokens, clock, limits: deps.authLimits, oauth, openRequests, onPersonSeen: (userID) => people.seen(userID) });
  await fastify.register(jsonBodies);
  registerErrorHandling(fastify);
  await fastify.register(saveBeforeAnswer, { whenSaved });
  await fastify.register(openAPI);

  infoRoutes(fastify, () => listening ?? { baseURL: baseURL(), hostname: config.host, port: config.port }, { matrixSignIn: people.matrixSignIn });
  peopleRoutes(fastify, people, tokens, clock);
  bridgeRoutes(fastify, bridges, logins);
  loginRoutes(fastify, logins);
  const caps = waiterCaps(config.limits);
  sessionRoutes(fastify, sessions, caps.longPolls);
  eventRoutes(fastify, sessions, clock, caps.streams);
  if (demo) await fastify.register(demoPages, { demo });
  await fastify.register(webRoutes, { connectSources: people.matrixSignIn ? homeserverOrigins(config.matrix.homeservers) : [] });
  await fastify.register(mcpRoutes, { baseURL });
  await fastify.register(oauthFeature, { store: oauth, clock });

  fastify.addHook('onListen', async () => {
    const address = fastify.server.address();
    if (address && typeof address === 'object') {
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      listening = { baseURL: `http://${host}:${address.port}`, hostname: config.host, port: address.port };
    }
  });

  const close = (): Promise<void> =>
    (stopping ??= (async () => {
      await sessions.close();
      await bridges.close();
      await fastify.close();
      await stores.close();
    })());

  return {
    fastify,
    tokens,
    sessions,
    logins,
    bridges,
    get db(): Db {
      if (!stores.db) throw new Error('this app keeps its data in PostgreSQL (database.url), not SQLite');
      return stores.db;
    },
    clock,
    baseURL,
    close,
  };
}
