/**
 * Per-token caps on what a client holds open for long: event streams and long-polls. Each holds
 * a connection (a file descriptor) and a watcher for as long as it lasts; without a cap, one
 * client could hold as many as the server has connections. Past its cap a token gets 429
 * `rate_limited` until it closes one.
 */
import { ApiError } from '../errors.ts';

const tokens = new WeakMap<object, string>();

/** Remember which token (by its ID) authenticated `request`; set by the auth hook. */
export function rememberToken(request: object, tokenID: string): void {
  tokens.set(request, tokenID);
}

/** The ID of the token that authenticated `request` (every protected route has one). */
export function tokenOf(request: object): string {
  return tokens.get(request) ?? '';
}

/** How many of one kind of long-held request each token may have open at once. */
export class PerTokenCap {
  private readonly held = new Map<string, number>();

  /** `what` names the kind in the 429 message, e.g. "event streams". */
  constructor(
    readonly max: number,
    private readonly what: string,
  ) {}

  /** Take a slot for `token`, or throw 429; returns the function (safe to call twice) that gives it back. */
  acquire(token: string): () => void {
    const n = this.held.get(token) ?? 0;
    if (n >= this.max) {
      throw new ApiError('rate_limited', `too many ${this.what} open with this token (at most ${this.max}); close one first`, undefined, { 'retry-after': '5' });
    }
    this.held.set(token, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(token) ?? 1) - 1;
      if (left > 0) this.held.set(token, left);
      else this.held.delete(token);
    };
  }
}

/** The caps a server applies. */
export interface WaiterCaps {
  streams: PerTokenCap;
  longPolls: PerTokenCap;
}

/** Caps of `streams` event streams and `longPolls` long-polls per token. */
export function waiterCaps(limits: { streamsPerToken: number; longPollsPerToken: number }): WaiterCaps {
  return { streams: new PerTokenCap(limits.streamsPerToken, 'event streams'), longPolls: new PerTokenCap(limits.longPollsPerToken, 'long-polls') };
}
