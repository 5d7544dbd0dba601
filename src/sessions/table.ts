/**
 * The sessions held in memory: the unfinished ones, each with its expiry (one timer for all).
 * A session leaves the table when it finishes; it is then kept only as a small entry in
 * {@link RetainedSessions} until its retention ends, and read from the store. Looking a session
 * up never changes it: expiry and forgetting happen when their deadline comes.
 */
import type { Clock } from '../clock.ts';
import { notFound } from '../errors.ts';
import { principalKey, type Principal } from '../principal.ts';
import { DeadlineQueue } from './deadline-queue.ts';
import type { LiveSession } from './live.ts';
import { RetainedSessions } from './retained.ts';

export interface SessionTableOptions {
  clock: Clock;
  /** A finished session stays readable this long, then answers 404. */
  retentionMs: number;
  /** Most finished sessions kept; past it the oldest is forgotten before its retention ends. */
  maxRetained?: number;
  /** Called when an unfinished session's expiry comes. */
  onExpiry: (live: LiveSession) => void;
  /** Called with the ID of a finished session whose retention ended. */
  onRetentionEnd: (id: string) => void;
  onError: (err: unknown, context: string) => void;
}

export class SessionTable {
  private readonly byID = new Map<string, LiveSession>();
  private readonly expiries: DeadlineQueue<LiveSession>;
  /** Finished sessions, until their retention ends (not held: read from the store). */
  readonly retained: RetainedSessions;

  constructor(private readonly opts: SessionTableOptions) {
    this.expiries = new DeadlineQueue(opts.clock, opts.onExpiry, (err) => opts.onError(err, 'expiring a login session'));
    this.retained = new RetainedSessions({
      clock: opts.clock,
      retentionMs: opts.retentionMs,
      ...(opts.maxRetained !== undefined ? { maxRetained: opts.maxRetained } : {}),
      onEnd: opts.onRetentionEnd,
      onError: (err) => opts.onError(err, 'forgetting a login session'),
    });
  }

  /** Number of sessions that are not finished. */
  get active(): number {
    return this.byID.size;
  }

  /** Unfinished sessions per principal key (only Matrix users are counted; the owner is ''). */
  activeOf(owner: string): number {
    let n = 0;
    for (const live of this.byID.values()) if (live.session.owner === owner) n++;
    return n;
  }

  /** Number of sessions held in memory (the unfinished ones). */
  get size(): number {
    return this.byID.size;
  }

  /** The earliest expiry of an unfinished session, if any. */
  get earliestExpiry(): number | undefined {
    return this.expiries.earliest;
  }

  /**
   * The unfinished session `id` of `bridgeID` as `principal` may see it; undefined when it is
   * not held here (finished, or unknown); 404 when it is another principal's or bridge's.
   */
  find(principal: Principal, bridgeID: string, id: string): LiveSession | undefined {
    const live = this.byID.get(id);
    if (!live) return undefined;
    // Another principal's session is answered exactly like one that does not exist (api.md §10).
    if (live.session.bridgeID !== bridgeID || (live.session.owner ?? '') !== principalKey(principal)) throw notFound(`login session "${id}"`);
    return live;
  }

  /** Whether session `id` is held here. */
  has(id: string): boolean {
    return this.byID.has(id);
  }

  /** The session `id` if held here, whoever's it is (for what other instances ask of it). */
  get(id: string): LiveSession | undefined {
    return this.byID.get(id);
  }

  /** Stop holding a running session another instance drives from now on (no retention here). */
  drop(live: LiveSession): boolean {
    if (!this.holds(live)) return false;
    live.setDeadline(undefined);
    this.byID.delete(live.session.id);
    return true;
  }

  /** Whether `live` is still the one held under its ID. */
  holds(live: LiveSession): boolean {
    return this.byID.get(live.session.id) === live;
  }

  /** Hold an unfinished session without an expiry yet (one about to be finished or resumed). */
  addActive(live: LiveSession): void {
    this.byID.set(live.session.id, live);
  }

  /** Give an unfinished session its expiry deadline. */
  scheduleExpiry(live: LiveSession): void {
    live.setDeadline(this.expiries.add(live, live.session.expiresAt));
  }

  /** A held session just finished: it leaves memory, and is kept until its retention (from now) ends. */
  finished(live: LiveSession): void {
    live.setDeadline(undefined);
    if (!this.holds(live)) return;
    this.byID.delete(live.session.id);
    this.retained.add(live.session.id, this.opts.clock.now(), live.answered);
  }

  /** Every session held. */
  values(): IterableIterator<LiveSession> {
    return this.byID.values();
  }

  /** Drop every session and deadline (at shutdown, after each was ended). */
  clear(): void {
    this.byID.clear();
    this.retained.clear();
  }
}
