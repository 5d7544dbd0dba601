/**
 * A mailbox of outcomes for login processes whose changes happen outside a request (a QR code
 * refreshed by a timer, a phone scanning it, a code typed on another page). The session
 * service's background `wait()` takes them one by one; while nobody waits, a newer display
 * replaces an older one, and a final outcome is never replaced.
 */
import type { StepOutcome } from '../types.ts';

function abortError(): Error {
  const err = new Error('the wait was aborted');
  err.name = 'AbortError';
  return err;
}

const isFinal = (o: StepOutcome): boolean => o.kind !== 'step';

export class OutcomeMailbox {
  private queued?: StepOutcome;
  private waiter?: { resolve: (o: StepOutcome) => void; reject: (e: Error) => void; signal: AbortSignal; onAbort: () => void };

  /** Deliver an outcome to the waiting `take`, or keep it for the next one. */
  post(outcome: StepOutcome): void {
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w.signal.removeEventListener('abort', w.onAbort);
      w.resolve(outcome);
      return;
    }
    if (this.queued && isFinal(this.queued)) return;
    this.queued = outcome;
  }

  /** The next outcome; rejects with an AbortError when `signal` fires first. */
  take(signal: AbortSignal): Promise<StepOutcome> {
    if (signal.aborted) return Promise.reject(abortError());
    if (this.queued) {
      const o = this.queued;
      this.queued = undefined;
      return Promise.resolve(o);
    }
    if (this.waiter) return Promise.reject(new Error('only one wait at a time'));
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        if (this.waiter?.onAbort === onAbort) this.waiter = undefined;
        reject(abortError());
      };
      this.waiter = { resolve, reject, signal, onAbort };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
