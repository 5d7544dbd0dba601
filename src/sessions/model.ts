/**
 * @module sessions
 * The login-session model. A session is a plain immutable record; `machine.ts` computes the
 * next record from an event, `service.ts` does the I/O around it, `routes.ts` speaks HTTP.
 */
import type { InteractiveStep, LoginError } from '../bridges/types.ts';
import type { Static } from 'typebox';
import type { AccountWire, BridgeLoginWire } from '../logins/view.ts';
import type { SessionStatus as SessionStatusSchema } from '../schemas/login-session.ts';

export type SessionStatus = Static<typeof SessionStatusSchema>;

/** The `complete` step, carrying the account and login it produced. */
export interface CompleteStep {
  type: 'complete';
  stepID?: string;
  instructions?: string;
  account: AccountWire;
  login: BridgeLoginWire;
}

export type SessionStep = InteractiveStep | CompleteStep;

export interface Session {
  readonly id: string;
  /** Whose session it is: a Matrix user ID; absent for the owner's (api.md §10). */
  readonly owner?: string;
  readonly bridgeID: string;
  readonly flowID: string;
  readonly status: SessionStatus;
  /** Present while waiting and when complete; absent when cancelled or failed. */
  readonly step?: SessionStep;
  readonly error?: LoginError;
  /** The login this session reconnects, or the one it completed. */
  readonly loginID?: string;
  /** The ID of the step whose submission produced the current step. */
  readonly lastAnsweredStepID?: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly expiresAt: number;
  readonly finishedAt?: number;
}

export const FINISHED: ReadonlySet<SessionStatus> = new Set(['complete', 'cancelled', 'failed']);

export function isFinished(s: Session): boolean {
  return FINISHED.has(s.status);
}
