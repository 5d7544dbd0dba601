/** What the service answers about sessions it does not hold, and its placeholders. */
import { ApiError } from '../errors.ts';
import type { SessionFeed } from './live.ts';
import type { Session } from './model.ts';
import { toJSON } from './view.ts';

/** The step a session shows before the bridge's first one is recorded (never saved as final). */
export const PLACEHOLDER = { type: 'user_input' as const, stepID: 'start', fields: [] };

/** The answer to a cancel. */
export interface CancelResult {
  bridgeID: string;
  loginSessionID: string;
  status: 'cancelled';
}

export function cancelResult(result: Session | ApiError, bridgeID: string, id: string): CancelResult {
  if (result instanceof ApiError) throw result;
  return { bridgeID, loginSessionID: id, status: 'cancelled' };
}

/** What a watcher sees of a finished session: its record, and no change to come. */
export function settledFeed(s: Session): SessionFeed {
  return { json: toJSON(s), finished: true, ended: false, watcherCount: 0, watch: () => () => {} };
}

