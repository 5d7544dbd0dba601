/**
 * The sessions held in memory for the life of the server, with their deadlines: unfinished ones
 * by expiry, finished ones by the end of their retention (one timer for each queue). Looking a
 * session up never changes it: expiry and forgetting happen when their deadline comes.
 */
import type { Clock } from '../clock.ts';
import { notFound } from '../errors.ts';
import { principalKey, type Principal } from '../principal.ts';
import { DeadlineQueue } from './deadline-queue.ts';
import type { LiveSession } from './live.ts';

export interface SessionTableOptions {
  clock: Clock;
  /** A finished session stays readable this long, then answers 404. */
  retentionMs: number;
  /** Most finished sessions kept; past it the oldest is forgotten before its retention ends. */
  maxRetained?: number;
  /** Called when an unfinished session's expiry comes. */
  onExpiry: (live: LiveSession) => void;
  /** Called when a finished session's retention ends. */
  onRetentionEnd: (live: LiveSession) => void;
  onError: (err: unknown, context: string) => void;
}

export class SessionTable {
  private readonly byID = new Map<string, LiveSession>();
  private readonly expiries: DeadlineQueue<LiveSession>;
  private readonly retentions: DeadlineQueue<LiveSession>;
  private activeCount = 0;

  constructor(private readonly opts: SessionTableOptions) {
    this.expiries = new DeadlineQueue(opts.clock, opts.onExpiry, (err) => opts.onError(err, 'expiring a login session'));
    this.retentions = new DeadlineQueue(opts.clock, opts.onRetentionEnd, (err) => opts.onError(err, 'forgetting a login session'));
  }

  /** Number of sessions that are not finished. */
  get active(): number {
    return this.activeCount;
  }

  /** Unfinished sessions per principal key (only Matrix users are counted; the owner is ''). */
  activeOf(owner: string): number {
    let n = 0;
    for (const live of this.byID.values()) if (!live.finished && live.session.owner === owner) n++;
    return n;
  }

  /** Number of sessions held (active and retained). */
  get size(): number {
    return this.byID.size;
  }

  /** The earliest expiry of an unfinished session, if any. */
  get earliestExpiry(): number | undefined {
    return this.expiries.earliest;
  }

  /**
   * The session `id` of `bridgeID` as `principal` may see it; 404 when unknown, or finished
   * longer ago than the retention (even before the sweep has forgotten it).
   */
  lookup(principal: Principal, bridgeID: string, id: string): LiveSession {
    const live = this.byID.get(id);
    // Another principal's session is answered exactly like one that does not exist (api.md §10).
    if (!live || live.session.bridgeID !== bridgeID || (live.session.owner ?? '') !== principalKey(principal)) throw notFound(`login session "${id}"`);
    const f = live.session.finishedAt;
    if (f !== undefined && this.opts.clock.now() >= f + this.opts.retentionMs) throw notFound(`login session "${id}"`);
    return live;
  }

  /** Whether `live` is still the one held under its ID. */
  holds(live: LiveSession): boolean {
    return this.byID.get(live.session.id) === live;
  }

  /** Hold a session; an unfinished one counts as active and gets its expiry. */
  add(live: LiveSession): void {
    this.byID.set(live.session.id, live);
    if (live.finished) {
      this.scheduleRetention(live, live.session.finishedAt!);
    } else {
      this.activeCount++;
      live.setDeadline(this.expiries.add(live, live.session.expiresAt));
    }
  }

  /** Hold an unfinished session without an expiry yet (one about to be finished or resumed). */
  addActive(live: LiveSession): void {
    this.byID.set(live.session.id, live);
    this.activeCount++;
  }

  /** Give an unfinished session its expiry deadline. */
  scheduleExpiry(live: LiveSession): void {
    live.setDeadline(this.expiries.add(live, live.session.expiresAt));
  }

  /** A session just finished: no longer active, kept until its retention (from now) ends. */
  finished(live: LiveSession): void {
    this.activeCount--;
    this.scheduleRetention(live, this.opts.clock.now());
  }

  private scheduleRetention(live: LiveSession, from: number): void {
    live.setDeadline(this.retentions.add(live, from + this.opts.retentionMs));
    // Finished sessions are bounded in number as well as in age: their rows are what a stream
    // of create-and-cancel would otherwise pile up, in memory and on disk, for a whole retention.
    const max = this.opts.maxRetained ?? Infinity;
    while (this.retentions.size > max) this.retentions.dueNow();
  }

  /** Stop holding a session; true when it was held. */
  remove(live: LiveSession): boolean {
    live.setDeadline(undefined);
    if (!this.holds(live)) return false;
    this.byID.delete(live.session.id);
    if (!live.finished) this.activeCount--;
    return true;
  }

  /** Every session held. */
  values(): IterableIterator<LiveSession> {
    return this.byID.values();
  }

  /** Drop every session (at shutdown, after each was ended). */
  clear(): void {
    this.byID.clear();
  }
}
