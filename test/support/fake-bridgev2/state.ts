/**
 * @module test/support/fake-bridgev2/state
 * The fake bridge's user logins (what its database would hold) and their `whoami` view.
 */

import { randomBytes } from 'node:crypto';
import type { Credentials } from './flows.ts';

export interface FakeBridgeState {
  state_event: string;
  timestamp: number;
  ttl: number;
  source?: string;
  error?: string;
  message?: string;
  user_action?: string;
  reason?: string;
  info?: Record<string, unknown>;
}

export interface FakeUserLogin {
  id: string;
  userID: string;
  name: string;
  profile: { phone?: string; email?: string; username?: string; name?: string; avatar?: string };
  /** The zero value until the connector sends a state (dummybridge sends CONNECTED later). */
  state: FakeBridgeState;
}

export const NO_STATE: FakeBridgeState = { state_event: '', timestamp: 0, ttl: 0 };

export class FakeLogins {
  readonly #logins = new Map<string, FakeUserLogin>();

  constructor(private readonly options: { autoConnect: boolean; now: () => number }) {}

  of(userID: string): FakeUserLogin[] {
    return [...this.#logins.values()].filter((l) => l.userID === userID);
  }

  get(id: string): FakeUserLogin | undefined {
    return this.#logins.get(id);
  }

  /** What a dummybridge login does: id = username, name = password, same username → updated. */
  upsert(userID: string, creds: Credentials): FakeUserLogin {
    const existing = this.#logins.get(creds.username);
    if (existing && existing.userID !== userID) {
      throw new Error(`login ${creds.username} already belongs to another user`);
    }
    const name = creds.password || creds.username;
    const login: FakeUserLogin = existing ?? {
      id: creds.username,
      userID,
      name,
      profile: { email: `dummy-email-${randomBytes(3).toString('hex')}@beepbeep` },
      state: { ...NO_STATE },
    };
    login.name = name;
    login.profile.name = name;
    if (this.options.autoConnect) login.state = this.connected();
    this.#logins.set(login.id, login);
    return login;
  }

  add(login: FakeUserLogin): void {
    this.#logins.set(login.id, login);
  }

  delete(id: string): boolean {
    return this.#logins.delete(id);
  }

  connected(): FakeBridgeState {
    return { state_event: 'CONNECTED', timestamp: Math.floor(this.options.now() / 1000), ttl: 21600, source: 'bridge' };
  }

  /** A `whoami` login, with the deprecated `state_*` duplicates. */
  static toWhoami(login: FakeUserLogin): Record<string, unknown> {
    const { state } = login;
    return {
      state,
      id: login.id,
      name: login.name,
      profile: login.profile,
      state_event: state.state_event,
      state_ts: state.timestamp,
      ...(state.reason !== undefined && { state_reason: state.reason }),
      ...(state.info !== undefined && { state_info: state.info }),
    };
  }
}
