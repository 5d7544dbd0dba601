/**
 * Finished sessions, kept for their retention without being held in memory: only a small entry
 * each (its deadline, and the digest of the submission that answered its last step), while the
 * session itself is read from the store. About 8 KB per finished session in memory became a
 * few hundred bytes (docs/benchmarks.md).
 */
import type { Clock, TimerHandle } from '../clock.ts';
import { DeadlineQueue } from './deadline-queue.ts';

/** The step last answered by a submission, and that submission's keyed digest (memory only). */
export interface Answered {
  readonly stepID: string;
  readonly digest: string;
}

interface Entry {
  deadline: TimerHandle;
  answered?: Answered;
}

export interface RetainedOptions {
  clock: Clock;
  /** A finished session stays readable this long, then answers 404. */
  retentionMs: number;
  /** Most finished sessions kept; past it the oldest is forgotten before its retention ends. */
  maxRetained?: number;
  /** Called with the ID of a session whose retention ended (or that the bound pushed out). */
  onEnd: (id: string) => void;
  onError: (err: unknown) => void;
}

export class RetainedSessions {
  private readonly byID = new Map<string, Entry>();
  private readonly queue: DeadlineQueue<string>;

  constructor(private readonly opts: RetainedOptions) {
    this.queue = new DeadlineQueue(opts.clock, (id) => this.end(id), opts.onError);
  }

  /** Number of finished sessions kept. */
  get size(): number {
    return this.byID.size;
  }

  /** Keep session `id`, finished at `finishedAt`, until its retention ends. */
  add(id: string, finishedAt: number, answered?: Answered): void {
    this.byID.get(id)?.deadline.cancel();
    const entry: Entry = { deadline: this.queue.add(id, finishedAt + this.opts.retentionMs) };
    if (answered) entry.answered = answered;
    this.byID.set(id, entry);
    // Finished sessions are bounded in number as well as in age: their rows are what a stream
    // of create-and-cancel would otherwise pile up on disk for a whole retention.
    const max = this.opts.maxRetained ?? Infinity;
    while (this.queue.size > max) this.queue.dueNow();
  }

  /** Whether session `id` is kept (finished, retention not over). */
  has(id: string): boolean {
    return this.byID.has(id);
  }

  /** What answered the session's last step, if a submission did (and this process saw it). */
  answered(id: string): Answered | undefined {
    return this.byID.get(id)?.answered;
  }

  private end(id: string): void {
    if (!this.byID.delete(id)) return;
    this.opts.onEnd(id);
  }

  /** Stop every deadline (at shutdown); the rows stay for the next start. */
  clear(): void {
    for (const e of this.byID.values()) e.deadline.cancel();
    this.byID.clear();
  }
}
