/**
 * @module logins
 * Logins and the accounts derived from them (`api.md` §3): `accountID` is
 * `<bridgeID>_<loginID>`, one account per login, its status following the login's.
 */
import type { Static } from 'typebox';
import type { BridgeDescriptor, LoginStatus, Provider, RemoveScope, User } from '../bridges/types.ts';
import type { AccountStatus as AccountStatusSchema } from '../schemas/common.ts';
import type { StoredLogin } from '../store/storage.ts';

export type AccountStatus = Static<typeof AccountStatusSchema>;

export interface AccountWire {
  accountID: string;
  bridge: { id: string; provider: Provider; type: string };
  status: AccountStatus;
  user: User;
  loginID: string;
  network?: string;
  statusText?: string;
}

export interface BridgeLoginWire {
  bridgeID: string;
  loginID: string;
  removeScopes: RemoveScope[];
  status: LoginStatus;
  accountIDs: string[];
  statusText?: string;
  user: User;
}

const ACCOUNT_STATUS: Record<LoginStatus, AccountStatus> = {
  connected: 'connected',
  connecting: 'connecting',
  needs_login: 'reconnect_required',
  logged_out: 'disconnected',
  unknown: 'attention_required',
};

export function accountIDOf(bridgeID: string, loginID: string): string {
  return `${bridgeID}_${loginID}`;
}

/** The account of a login; a disabled bridge's accounts are `disabled`. */
export function toAccount(login: StoredLogin, bridge: BridgeDescriptor): AccountWire {
  const account: AccountWire = {
    accountID: accountIDOf(login.bridgeID, login.loginID),
    bridge: { id: bridge.id, provider: bridge.provider, type: bridge.type },
    status: bridge.enabled ? ACCOUNT_STATUS[login.status] : 'disabled',
    user: login.user,
    loginID: login.loginID,
  };
  if (bridge.network !== undefined) account.network = bridge.network;
  if (login.statusText !== undefined) account.statusText = login.statusText;
  return account;
}

export function toBridgeLogin(login: StoredLogin, bridge: BridgeDescriptor): BridgeLoginWire {
  const wire: BridgeLoginWire = {
    bridgeID: login.bridgeID,
    loginID: login.loginID,
    removeScopes: bridge.removeScopes,
    status: login.status,
    accountIDs: [accountIDOf(login.bridgeID, login.loginID)],
    user: login.user,
  };
  if (login.statusText !== undefined) wire.statusText = login.statusText;
  return wire;
}
