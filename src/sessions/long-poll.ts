/** Long-poll: wait for a session to change, bounded in time and by the client's presence. */
import type { Clock } from '../clock.ts';
import type { SessionFeed } from './live.ts';

/** The session's JSON as soon as it changes, or after `waitMs` (or when `signal` fires) unchanged. */
export function nextChange(live: SessionFeed, clock: Clock, waitMs: number, signal?: AbortSignal): Promise<string> {
  if (waitMs <= 0 || live.finished) return Promise.resolve(live.json);
  return new Promise((resolve) => {
    const done = (): void => {
      stop();
      timer.cancel();
      signal?.removeEventListener('abort', done);
      resolve(live.json);
    };
    const stop = live.watch(done);
    const timer = clock.setTimeout(done, waitMs);
    signal?.addEventListener('abort', done, { once: true });
  });
}
