/**
 * The wire objects of the public API as the MCP tools read them, written from the contract
 * (`api.md` §3) rather than imported from the server, like the command-line client's: only what
 * the tools use is spelled out; everything else passes through.
 */

/** A `user_input` field or a `cookies` field. */
export interface StepField {
  id: string;
  label?: string;
  name?: string;
  type?: string;
  placeholder?: string;
  description?: string;
  optional?: boolean;
  pattern?: string;
  options?: string[];
  initialValue?: string;
  domain?: string;
}

export type Display =
  | { type: 'qr'; data: string; imageURL?: string; expiresAt?: string }
  | { type: 'emoji'; imageURL: string; data?: string }
  | { type: 'code'; data: string; expiresAt?: string }
  | { type: 'nothing' };

export type LoginStep =
  | { type: 'user_input'; stepID: string; fields: StepField[]; instructions?: string }
  | { type: 'cookies'; stepID: string; url: string; fields: StepField[]; instructions?: string }
  | { type: 'display_and_wait'; stepID: string; display: Display; instructions?: string }
  | { type: 'complete'; stepID?: string; instructions?: string };

export interface LoginSession {
  bridgeID: string;
  loginSessionID: string;
  status: 'waiting_for_input' | 'waiting_for_cookies' | 'waiting_for_display' | 'complete' | 'cancelled' | 'failed';
  currentStep?: LoginStep;
  error?: { code: string; message: string };
  accountID?: string;
  loginID?: string;
  account?: { accountID: string; user?: { id: string; fullName?: string; username?: string; phoneNumber?: string; email?: string } };
  expiresAt?: string;
  [key: string]: unknown;
}

/** Whether a session can change no more. */
export function isFinished(session: LoginSession): boolean {
  return session.status === 'complete' || session.status === 'cancelled' || session.status === 'failed';
}

/** What tells one shown step from the next: a new step, or a refreshed QR or code. */
export function stepKey(session: LoginSession): string {
  const step = session.currentStep;
  const display = step?.type === 'display_and_wait' ? step.display : undefined;
  return JSON.stringify([session.status, step?.stepID, display && 'data' in display ? display.data : undefined, step?.instructions]);
}
