/**
 * What the server logs: pino at the configured level, secrets redacted, request URLs with
 * one-time tokens and query values hidden, and per-request lines only at debug and trace.
 */
import { LogController, type FastifyServerOptions } from 'fastify';
import type { DestinationStream } from 'pino';
import { lazyChildLogger } from './lazy-logger.ts';

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
export function safeURL(url: string): string {
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

/**
 * The text Fastify is given to log once it listens: the start's banner already says where,
 * so this line is dropped rather than written as a JSON (or pretty) twin of the banner.
 */
export const LISTENING_MESSAGE = 'bridge-login: listening (see the banner)';

/**
 * A request as logged. One that matched no route is logged without its path: nothing there is
 * an ID the server knows, and a client may have put a secret in it (`GET /v1/<token>`).
 */
export function loggedRequest(req: { method: string; url: string; id: string; routeOptions?: { url?: string } }): { method: string; url: string; id: string } {
  const matched = req.routeOptions?.url !== undefined;
  return { method: req.method, url: matched ? safeURL(req.url) : '[unknown path]', id: req.id };
}

/** How logging is set up. */
export interface LoggingOptions {
  level: string;
  /** Replaces the default pino options (tests pass `false` or their own stream). */
  logger?: FastifyServerOptions['logger'];
  /** Where the default logger writes; standard output as JSON lines when not given. */
  stream?: DestinationStream;
}

/** The Fastify server options that set up logging. */
export function loggingOptions({ level, logger, stream }: LoggingOptions): Pick<FastifyServerOptions, 'logger' | 'logController' | 'childLoggerFactory'> {
  return {
    logger: logger ?? {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        req: loggedRequest,
      },
      hooks: {
        logMethod(args, method) {
          if (args[0] !== LISTENING_MESSAGE) method.apply(this, args);
        },
      },
      ...(stream ? { stream } : {}),
    },
    // Per-request lines only at debug and trace: at info the log stays quiet and the hot path fast.
    logController: new LogController({ disableRequestLogging: !['debug', 'trace'].includes(level) }),
    childLoggerFactory: lazyChildLogger,
  };
}
