/**
 * Many deadlines on one timer. Every session has a deadline (its expiry while it runs, the end
 * of its retention once it is finished); a clock timer each was a large share of an idle
 * session's memory (docs/benchmarks.md). Here a deadline is a list node of a few fields, and
 * the clock holds one timer, for the earliest.
 *
 * Deadlines nearly always arrive in order (a fixed TTL or retention added to a clock that only
 * moves forward), so the list is kept sorted by walking back from its end: O(1) in practice.
 */
import type { Clock, TimerHandle } from '../clock.ts';

/** The longest delay Node's timers take as it is. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** One deadline; `cancel()` takes it out of its queue. */
class Deadline<T> implements TimerHandle {
  prev?: Deadline<T>;
  next?: Deadline<T>;
  queued = true;

  constructor(
    private readonly queue: DeadlineQueue<T>,
    readonly item: T,
    readonly at: number,
  ) {}

  cancel(): void {
    this.queue.remove(this);
  }
}

export class DeadlineQueue<T> {
  private head?: Deadline<T>;
  private tail?: Deadline<T>;
  private timer?: TimerHandle;
  /** When the timer fires; it may fire early (its deadline was cancelled), never late. */
  private timerAt = Infinity;

  /**
   * `onDue` is called with each item whose deadline has come, earliest first; what it throws
   * goes to `onError` (a timer callback must not throw: it would end the process), and the
   * items after it still come due.
   */
  constructor(
    private readonly clock: Clock,
    private readonly onDue: (item: T) => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Call `onDue(item)` at `at` (clock time, ms), unless the returned handle is cancelled first. */
  add(item: T, at: number): TimerHandle {
    const d = new Deadline(this, item, at);
    let after = this.tail;
    while (after && after.at > at) after = after.prev;
    d.prev = after;
    d.next = after ? after.next : this.head;
    if (d.next) d.next.prev = d;
    else this.tail = d;
    if (after) after.next = d;
    else this.head = d;
    this.count++;
    if (at < this.timerAt) this.arm();
    return d;
  }

  /** The earliest deadline waiting (clock time, ms), if any. */
  get earliest(): number | undefined {
    return this.head?.at;
  }

  private count = 0;

  /** Number of deadlines waiting. */
  get size(): number {
    return this.count;
  }

  /** Bring the earliest deadline forward to now: take it out and call `onDue` with its item. */
  dueNow(): void {
    const d = this.head;
    if (!d) return;
    this.remove(d);
    try {
      this.onDue(d.item);
    } catch (err) {
      this.onError(err);
    }
  }

  remove(d: Deadline<T>): void {
    if (!d.queued) return;
    d.queued = false;
    this.count--;
    if (d.prev) d.prev.next = d.next;
    else this.head = d.next;
    if (d.next) d.next.prev = d.prev;
    else this.tail = d.prev;
    d.prev = d.next = undefined;
    // A timer left for a later deadline fires early and finds nothing due; with nothing left
    // at all it goes, so that an idle server holds no timer.
    if (!this.head) this.disarm();
  }

  /** Set the timer for the earliest deadline. */
  private arm(): void {
    this.disarm();
    if (!this.head) return;
    // Node cuts a delay over 2^31 - 1 ms (~24.8 days, less than the longest retention) to 1 ms:
    // wait at most that long and look again.
    const delay = Math.min(this.head.at - this.clock.now(), MAX_DELAY_MS);
    this.timerAt = this.clock.now() + delay;
    this.timer = this.clock.setTimeout(this.fire, delay);
  }

  private disarm(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.clock.now();
    // Taken out before onDue runs, which may add or cancel deadlines.
    while (this.head && this.head.at <= now) {
      const d = this.head;
      this.remove(d);
      try {
        this.onDue(d.item);
      } catch (err) {
        this.onError(err);
      }
    }
    if (this.head && !this.timer) this.arm();
  };
}
