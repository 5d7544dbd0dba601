/** The wire form of a session (`LoginSession`, `api.md` §3). */
import { accountIDOf } from '../logins/view.ts';
import type { Session } from './model.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

/** Build the `LoginSession` object; keys in the contract's order. */
export function toWire(s: Session): Record<string, unknown> {
  const wire: Record<string, unknown> = { bridgeID: s.bridgeID, loginSessionID: s.id, status: s.status };
  if (s.step?.type === 'complete') {
    wire.account = s.step.account;
  }
  if (s.loginID !== undefined) wire.accountID = accountIDOf(s.bridgeID, s.loginID);
  if (s.step !== undefined) wire.currentStep = s.step;
  if (s.error !== undefined) wire.error = s.error;
  if (s.step?.type === 'complete') wire.login = s.step.login;
  if (s.loginID !== undefined) wire.loginID = s.loginID;
  wire.createdAt = iso(s.createdAt);
  wire.updatedAt = iso(s.updatedAt);
  wire.expiresAt = iso(s.expiresAt);
  return wire;
}

/** The session serialized once; handlers send this string as it is. */
export function toJSON(s: Session): string {
  return JSON.stringify(toWire(s));
}
