/**
 * @module clock
 * Time as a dependency: everything that reads the time or waits goes through a {@link Clock},
 * so tests move a {@link ManualClock} instead of sleeping.
 */

/** A handle returned by {@link Clock.setTimeout}. */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Run `fn` once after `ms` milliseconds of this clock's time. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
}

/**
 * A real timer's handle. A class rather than a `{ cancel: () => … }` literal: every live
 * session keeps one, and under tsx each such arrow is also given a `name` property, which
 * costs it a 256-byte property dictionary (see docs/benchmarks.md).
 */
class SystemTimer implements TimerHandle {
  constructor(private readonly timeout: NodeJS.Timeout) {}

  cancel(): void {
    clearTimeout(this.timeout);
  }
}

/** The real clock. Timers are unref'd so that they never keep the process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return new SystemTimer(t);
  },
};

interface PendingTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock that moves only when told to. `advance(ms)` fires every timer that falls due, in
 * order, including timers set by the callbacks it fires.
 *
 * @example
 * const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
 * clock.setTimeout(() => console.log('later'), 1000);
 * clock.advance(1000); // prints "later"
 */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private timers = new Set<PendingTimer>();

  constructor(start = Date.parse('2026-01-01T00:00:00.000Z')) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: PendingTimer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.add(timer);
    return { cancel: () => this.timers.delete(timer) };
  }

  /** Move time forward by `ms`, firing due timers in order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      let next: PendingTimer | undefined;
      for (const t of this.timers) {
        if (t.at <= target && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      }
      if (!next) break;
      this.timers.delete(next);
      this.current = Math.max(this.current, next.at);
      next.fn();
    }
    this.current = target;
  }

  /** How many timers are waiting (tests use it to check that nothing leaks). */
  get pendingTimers(): number {
    return this.timers.size;
  }
}
