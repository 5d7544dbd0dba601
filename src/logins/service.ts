/**
 * Logins and accounts across bridges. The store holds every login this server knows; for a
 * bridge that reports its own logins (external bridges) the store is brought in step with the
 * bridge's list when it is read, at most once per `refreshMs`.
 */
import type { Static } from 'typebox';
import type { Clock } from '../clock.ts';
import type { BridgeStatus } from '../schemas/common.ts';
import { actingUserID, principalKey, type Principal } from '../principal.ts';
import { ApiError, notFound } from '../errors.ts';
import type { BridgeRegistry } from '../bridges/registry.ts';
import { bridgeError } from '../bridges/errors.ts';
import { BridgeUnavailableError, UnknownLoginError, type Bridge, type Provider, type CompletedLogin, type RemoveScope } from '../bridges/types.ts';
import type { LoginStorage, StoredLogin } from '../store/storage.ts';
import { accountIDOf, toAccount, toBridgeLogin, type AccountWire, type BridgeLoginWire } from './view.ts';

export interface BridgeView {
  id: string;
  accounts: AccountWire[];
  activeAccountCount: number;
  displayName: string;
  provider: Provider;
  status: Static<typeof BridgeStatus>;
  supportsMultipleAccounts: boolean;
  type: string;
  network?: string;
  statusText?: string;
}

const ACTIVE_ACCOUNT: ReadonlySet<string> = new Set(['connected', 'connecting', 'backfilling']);

export class LoginService {
  private readonly lastRefresh = new Map<string, number>();
  private readonly refreshing = new Map<string, Promise<boolean>>();

  constructor(
    private readonly store: LoginStorage,
    private readonly bridges: BridgeRegistry,
    private readonly clock: Clock,
    private readonly refreshMs = 2000,
  ) {}

  /**
   * Bring the stored logins of an external bridge in step with the bridge; false when the
   * bridge did not answer (the stored copy is then what we show).
   */
  private async refresh(principal: Principal, bridge: Bridge): Promise<boolean> {
    // Each principal has its own logins on the bridge, refreshed on their own.
    const key = `${principalKey(principal)}\n${bridge.descriptor.id}`;
    const last = this.lastRefresh.get(key);
    if (last !== undefined && this.clock.now() - last < this.refreshMs) return true;
    let pending = this.refreshing.get(key);
    if (!pending) {
      pending = this.doRefresh(principal, bridge, key).finally(() => this.refreshing.delete(key));
      this.refreshing.set(key, pending);
    }
    return pending;
  }

  private async doRefresh(principal: Principal, bridge: Bridge, key: string): Promise<boolean> {
    const id = bridge.descriptor.id;
    const owner = principalKey(principal);
    let live;
    try {
      live = await bridge.liveLogins(actingUserID(principal));
    } catch (err) {
      if (err instanceof BridgeUnavailableError) return false;
      throw err;
    }
    const now = this.clock.now();
    this.lastRefresh.set(key, now);
    if (!live) return true;
    const seen = new Set<string>();
    for (const l of live) {
      seen.add(l.loginID);
      const stored = await this.store.get(id, l.loginID, owner);
      await this.store.upsert({ bridgeID: id, loginID: l.loginID, status: l.status, statusText: l.statusText, user: l.user ?? stored?.user ?? { id: l.loginID } }, now, owner);
    }
    for (const s of await this.store.list(id, owner)) {
      if (!seen.has(s.loginID) && s.status !== 'logged_out') {
        await this.store.upsert({ ...s, status: 'logged_out', statusText: 'The bridge no longer has this login.' }, now, owner);
      }
    }
    return true;
  }

  /** A principal's stored logins of a bridge, refreshed from the bridge when it reports its own. */
  async logins(principal: Principal, bridge: Bridge): Promise<StoredLogin[]> {
    if (bridge.descriptor.enabled) await this.refresh(principal, bridge);
    return this.store.list(bridge.descriptor.id, principalKey(principal));
  }

  async listWire(principal: Principal, bridgeID: string): Promise<BridgeLoginWire[]> {
    const bridge = this.bridges.get(bridgeID);
    return (await this.logins(principal, bridge)).map((l) => toBridgeLogin(l, bridge.descriptor));
  }

  async getWire(principal: Principal, bridgeID: string, loginID: string): Promise<BridgeLoginWire> {
    const bridge = this.bridges.get(bridgeID);
    await this.logins(principal, bridge);
    const login = await this.store.get(bridgeID, loginID, principalKey(principal));
    if (!login) throw notFound(`login "${loginID}" on bridge "${bridgeID}"`);
    return toBridgeLogin(login, bridge.descriptor);
  }

  async accounts(principal: Principal): Promise<AccountWire[]> {
    const out: AccountWire[] = [];
    for (const bridge of this.bridges.all()) {
      for (const l of await this.logins(principal, bridge)) out.push(toAccount(l, bridge.descriptor));
    }
    return out;
  }

  async account(principal: Principal, accountID: string): Promise<AccountWire> {
    const owner = principalKey(principal);
    for (const bridge of this.bridges.all()) {
      const prefix = `${bridge.descriptor.id}_`;
      if (!accountID.startsWith(prefix)) continue;
      const loginID = accountID.slice(prefix.length);
      if (!(await this.store.get(bridge.descriptor.id, loginID, owner))) continue;
      await this.logins(principal, bridge);
      const login = await this.store.get(bridge.descriptor.id, loginID, owner);
      if (login) return toAccount(login, bridge.descriptor);
    }
    throw notFound(`account "${accountID}"`);
  }

  /** The `Bridge` object of the API, with its accounts and status. */
  async bridgeView(principal: Principal, bridge: Bridge): Promise<BridgeView> {
    const d = bridge.descriptor;
    let reachable = true;
    let statusText: string | undefined;
    if (d.enabled) {
      const health = await bridge.health();
      reachable = health.reachable;
      statusText = health.statusText;
      if (reachable) reachable = await this.refresh(principal, bridge);
    }
    const logins = await this.store.list(d.id, principalKey(principal));
    const accounts = logins.map((l) => toAccount(l, d));
    const connected = logins.some((l) => l.status === 'connected');
    let status: BridgeView['status'];
    if (!d.enabled) {
      status = 'disabled';
      statusText = 'This bridge is turned off in the configuration.';
    } else if (!reachable) {
      status = 'temporarily_unavailable';
      statusText ??= 'The bridge does not answer right now.';
    } else if (!d.supportsMultipleAccounts && connected) {
      status = 'connected';
      statusText ??= 'An account is connected; this bridge supports only one.';
    } else if (d.maxLogins !== undefined && logins.length >= d.maxLogins) {
      status = 'limit_reached';
      statusText ??= `This bridge allows at most ${d.maxLogins} login${d.maxLogins === 1 ? '' : 's'}.`;
    } else {
      status = 'available';
    }
    const view: BridgeView = {
      id: d.id,
      accounts,
      activeAccountCount: accounts.filter((a) => ACTIVE_ACCOUNT.has(a.status)).length,
      displayName: d.displayName,
      provider: d.provider,
      status,
      supportsMultipleAccounts: d.supportsMultipleAccounts,
      type: d.type,
    };
    if (d.network !== undefined) view.network = d.network;
    if (statusText !== undefined) view.statusText = statusText;
    return view;
  }

  /**
   * Resolve the login a reconnect names by `loginID` and/or `accountID` (400 when unknown on
   * this bridge or when the two disagree).
   */
  async resolveReconnect(principal: Principal, bridgeID: string, loginID?: string, accountID?: string): Promise<string | undefined> {
    const owner = principalKey(principal);
    let fromAccount: string | undefined;
    if (accountID !== undefined) {
      const prefix = `${bridgeID}_`;
      fromAccount = accountID.startsWith(prefix) ? accountID.slice(prefix.length) : undefined;
      if (fromAccount === undefined || !(await this.store.get(bridgeID, fromAccount, owner))) {
        throw new ApiError('unknown_account', `account "${accountID}" does not exist on bridge "${bridgeID}"`);
      }
    }
    if (loginID !== undefined) {
      if (!(await this.store.get(bridgeID, loginID, owner))) throw new ApiError('unknown_login', `login "${loginID}" does not exist on bridge "${bridgeID}"`);
      if (fromAccount !== undefined && fromAccount !== loginID) {
        throw new ApiError('unknown_account', `account "${accountID}" does not belong to login "${loginID}"`);
      }
      return loginID;
    }
    return fromAccount;
  }

  count(principal: Principal, bridgeID: string): Promise<number> {
    return this.store.count(bridgeID, principalKey(principal));
  }

  /** How many logins each principal holds, by principal key (`GET /v1/users`). */
  countByPrincipal(): Promise<Map<string, number>> {
    return this.store.countByOwner();
  }

  /**
   * Record a completed login. A reconnect that ended on another identity replaces the login
   * it was started for, as bridgev2 bridges do. Called inside `SessionStorage.inTransaction`:
   * the writes join the session's (a store that runs them at once throws here when they fail;
   * one that saves later fails the transaction, whose session write then reports it lost), so
   * the answer is made from what is written, not from reading it back.
   */
  completed(principal: Principal, bridge: Bridge, login: CompletedLogin, reconnectOf: string | undefined): { account: AccountWire; login: BridgeLoginWire } {
    const d = bridge.descriptor;
    const now = this.clock.now();
    const owner = principalKey(principal);
    // The session's lost-write report covers these writes: their own rejections say nothing more.
    if (reconnectOf !== undefined && reconnectOf !== login.loginID) this.store.delete(d.id, reconnectOf, owner, { withSessions: true }).catch(() => {});
    const write = { bridgeID: d.id, loginID: login.loginID, status: login.status, statusText: login.statusText, user: login.user };
    this.store.upsert(write, now, owner, { withSessions: true }).catch(() => {});
    // As read back from the store: the user as JSON keeps it.
    const stored: StoredLogin = { ...write, user: JSON.parse(JSON.stringify(login.user)) as StoredLogin['user'], owner, createdAt: now, updatedAt: now };
    if (stored.statusText === undefined) delete stored.statusText;
    return { account: toAccount(stored, d), login: toBridgeLogin(stored, d) };
  }

  /** Log a login out on its bridge and delete it with its accounts. */
  async remove(principal: Principal, bridgeID: string, loginID: string, scope: RemoveScope): Promise<{ affectedAccountIDs: string[] }> {
    const bridge = this.bridges.get(bridgeID);
    const owner = principalKey(principal);
    const login = await this.store.get(bridgeID, loginID, owner);
    if (!login) throw notFound(`login "${loginID}" on bridge "${bridgeID}"`);
    if (!bridge.descriptor.removeScopes.includes(scope)) {
      throw new ApiError('unsupported_scope', `scope "${scope}" is not one of ${bridge.descriptor.removeScopes.map((s) => `"${s}"`).join(', ')}`, {
        removeScopes: bridge.descriptor.removeScopes,
      });
    }
    try {
      await bridge.logout(loginID, scope, actingUserID(principal));
    } catch (err) {
      // The bridge no longer knows it: removing our copy is what the user asked for.
      if (!(err instanceof UnknownLoginError)) throw bridgeError(bridgeID, err) ?? err;
    }
    await this.store.delete(bridgeID, loginID, owner);
    return { affectedAccountIDs: [accountIDOf(bridgeID, loginID)] };
  }
}
