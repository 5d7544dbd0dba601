/**
 * @module bridges/bridgev2/map-state
 * Maps the per-login bridge state and profile that `whoami` reports to the contract's login
 * status and `User` (protocol notes §8). Pure functions, no I/O.
 */

import type { BridgeLoginState, LoginStatus, User } from '../types.ts';
import type { WireBridgeState, WireWhoamiLogin } from './wire.ts';

/**
 * | bridgev2 | status |
 * | --- | --- |
 * | `BAD_CREDENTIALS`, or any state with `user_action: "RELOGIN"` | `needs_login` |
 * | `LOGGED_OUT` | `logged_out` |
 * | `user_action` `OPEN_NATIVE` / `RESTART` | `unknown` |
 * | `CONNECTED`, `BACKFILLING` | `connected` |
 * | `CONNECTING`, `TRANSIENT_DISCONNECT`, `""` (no state yet) | `connecting` |
 * | `UNKNOWN_ERROR`, anything else | `unknown` |
 */
export function loginStatusFromState(state: WireBridgeState | undefined): { status: LoginStatus; statusText?: string } {
  const event = state?.state_event ?? '';
  const statusText = state?.message || state?.error || state?.reason || undefined;
  const withText = (status: LoginStatus): { status: LoginStatus; statusText?: string } =>
    statusText ? { status, statusText } : { status };
  if (event === 'BAD_CREDENTIALS' || state?.user_action === 'RELOGIN') return withText('needs_login');
  if (event === 'LOGGED_OUT') return withText('logged_out');
  if (state?.user_action === 'OPEN_NATIVE' || state?.user_action === 'RESTART') return withText('unknown');
  switch (event) {
    case 'CONNECTED':
    case 'BACKFILLING':
      return withText('connected');
    case 'CONNECTING':
    case 'TRANSIENT_DISCONNECT':
    case '':
      return withText('connecting');
    default:
      return withText('unknown');
  }
}

/** The remote identity of a login: `id` is the user login id, the rest comes from `profile`. */
export function userFromWhoamiLogin(login: WireWhoamiLogin): User {
  const profile = login.profile ?? {};
  const user: User = { id: login.id };
  const fullName = profile.name || login.name;
  if (fullName) user.fullName = fullName;
  if (profile.phone) user.phoneNumber = profile.phone;
  if (profile.email) user.email = profile.email;
  if (profile.username) user.username = profile.username;
  return user;
}

export function bridgeLoginFromWhoami(login: WireWhoamiLogin): BridgeLoginState {
  return { loginID: login.id, user: userFromWhoamiLogin(login), ...loginStatusFromState(login.state) };
}
