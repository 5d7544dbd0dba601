/**
 * Request loggers made on first use. Fastify gives every request a child of the server's logger,
 * bound to the request's ID; making one runs pino's bindings through the redaction, a visible
 * share of a `GET`'s CPU (docs/benchmarks.md), while at the default level almost no request
 * ever logs a line. The child here is made when the request first logs, with the same bindings
 * and options, so a line reads exactly as it would have.
 */
import type { FastifyBaseLogger } from 'fastify';

type Bindings = Parameters<FastifyBaseLogger['child']>[0];
type ChildOptions = Parameters<FastifyBaseLogger['child']>[1];
type LogArgs = Parameters<FastifyBaseLogger['info']>;

class LazyChild implements FastifyBaseLogger {
  #made?: FastifyBaseLogger;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildOptions,
  ) {}

  /** The real child, made now if not yet. */
  get made(): FastifyBaseLogger {
    return (this.#made ??= this.parent.child(this.bindings, this.options));
  }

  /**
   * The real child for a line at `level`, or none when that level is off: a `debug` line at
   * the default level makes no child either. (Pino's loggers tell; any other logger is asked.)
   */
  private at(level: string): FastifyBaseLogger | undefined {
    if (this.#made === undefined && this.options?.level === undefined) {
      const enabled = (this.parent as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled;
      if (enabled !== undefined && !enabled.call(this.parent, level)) return undefined;
    }
    return this.made;
  }

  get level(): FastifyBaseLogger['level'] {
    return this.#made?.level ?? this.options?.level ?? this.parent.level;
  }

  set level(level: FastifyBaseLogger['level']) {
    this.made.level = level;
  }

  fatal(...args: LogArgs): void {
    this.at('fatal')?.fatal(...args);
  }
  error(...args: LogArgs): void {
    this.at('error')?.error(...args);
  }
  warn(...args: LogArgs): void {
    this.at('warn')?.warn(...args);
  }
  info(...args: LogArgs): void {
    this.at('info')?.info(...args);
  }
  debug(...args: LogArgs): void {
    this.at('debug')?.debug(...args);
  }
  trace(...args: LogArgs): void {
    this.at('trace')?.trace(...args);
  }
  silent(): void {}
  child(bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
    return this.made.child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory`: each request's logger, made when it first logs. */
export function lazyChildLogger(logger: FastifyBaseLogger, bindings: Bindings, options: ChildOptions): FastifyBaseLogger {
  return new LazyChild(logger, bindings, options);
}
