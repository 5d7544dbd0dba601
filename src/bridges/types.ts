/**
 * @module bridges/types
 * The connector interface between the login-session service and a bridge.
 *
 * A bridge (the embedded demo bridge, or an external mautrix bridgev2 bridge reached over its
 * provisioning API) implements {@link Bridge}. The session service never knows which kind it
 * talks to: it starts a {@link LoginProcess}, shows the steps the process yields, passes user
 * input to `submit`, and for `display_and_wait` steps calls `wait` in the background until
 * the step changes.
 *
 * Wire shapes (step objects, users, flows) are the contract's (`api.md` §3), so a connector
 * maps its own protocol to them once, here at the edge.
 */

import type { Static } from 'typebox';
import type * as Common from '../schemas/common.ts';
import type * as Steps from '../schemas/login-session.ts';

/** A login flow as the API lists it; the first flow of a bridge is its default. */
export type LoginFlow = Static<typeof Common.LoginFlow>;

/** `User` of the contract: the remote identity behind a login. */
export type User = Static<typeof Common.User>;

export type Provider = Static<typeof Common.Provider>;
export type LoginStatus = Static<typeof Common.LoginStatus>;
export type RemoveScope = Static<typeof Common.RemoveScope>;

/** A `user_input` field; `pattern`, `options` and `description` are extensions. */
export type LoginInputField = Static<typeof Steps.LoginInputField>;
/** A `cookies` field; `requestURLRegex` is an extension (headers of matching requests only). */
export type CookieField = Static<typeof Steps.CookieField>;
export type Display = Static<typeof Steps.Display>;
export type Attachment = NonNullable<UserInputStep['attachments']>[number];
export type UserInputStep = Static<typeof Steps.UserInputStep>;
/** A `cookies` step; `hidden` (an extension) loads the page in an invisible webview. */
export type CookiesStep = Static<typeof Steps.CookiesStep>;
export type DisplayAndWaitStep = Static<typeof Steps.DisplayAndWaitStep>;

/** A step that waits for the user: what a bridge shows next. */
export type InteractiveStep = UserInputStep | CookiesStep | DisplayAndWaitStep;

/** What a completed login process hands back: the login it created or updated. */
export interface CompletedLogin {
  loginID: string;
  user: User;
  status: LoginStatus;
  statusText?: string;
  /** Instructions for the `complete` step, if the bridge has any. */
  instructions?: string;
}

/** A failure of a login (not an HTTP error): becomes the session's `error`. */
export type LoginError = Static<typeof Steps.LoginError>;

/** Everything a login process can turn into after a start, a submit or a wait. */
export type StepOutcome =
  | { kind: 'step'; step: InteractiveStep }
  | { kind: 'complete'; login: CompletedLogin }
  | { kind: 'failed'; error: LoginError };

/** Values submitted for a `user_input` or `cookies` step, keyed by field id. Secret: never log. */
export type StepInput = Readonly<Record<string, string>>;

/**
 * One running login on a bridge. The session service calls at most one of `submit`/`wait`
 * at a time, and `cancel` at any time (which must make a pending `wait` settle promptly).
 */
export interface LoginProcess {
  /** Answer the current `user_input` or `cookies` step. */
  submit(input: StepInput): Promise<StepOutcome>;
  /**
   * Wait while a `display_and_wait` step is shown; resolves with the next outcome (a refreshed
   * display, another step, completion or failure). Rejects with an AbortError when `signal` fires.
   */
  wait(signal: AbortSignal): Promise<StepOutcome>;
  /** Stop the login on the bridge; idempotent, never throws. */
  cancel(): Promise<void>;
  /** State a bridge can use to resume this process after a restart (must hold no secret). */
  resumeState?(): unknown;
}

export interface StartLoginOptions {
  flowID: string;
  /** The Matrix user the login is for (api.md §10); undefined: the bridge's configured user (the owner). */
  actingUserID?: string;
  /** Re-login (reconnect) of this existing login. */
  loginID?: string;
  /** Aborted when the session is cancelled or expires while the start is still running. */
  signal: AbortSignal;
}

/** The static description of a bridge, as configured. */
export interface BridgeDescriptor {
  id: string;
  type: string;
  displayName: string;
  provider: Provider;
  network?: string;
  supportsMultipleAccounts: boolean;
  /** Most logins this bridge allows; undefined means unlimited. */
  maxLogins?: number;
  /** A disabled bridge is listed but refuses logins with 403 `bridge_disabled`. */
  enabled: boolean;
  /** Scopes `remove` accepts for this bridge's logins. */
  removeScopes: RemoveScope[];
}

/** The health of a bridge right now. */
export interface BridgeHealth {
  reachable: boolean;
  statusText?: string;
}

/** A login as the bridge reports it (the service keeps a copy in its own store). */
export interface BridgeLoginState {
  loginID: string;
  status: LoginStatus;
  statusText?: string;
  user?: User;
}

/** Provisioning capabilities, as the bridge reports them (snake_case keys on the wire). */
export type ProvisioningCapabilities = Static<typeof Common.ProvisioningCapabilities>;

/** Thrown by a connector when the bridge cannot be reached (→ 503 `bridge_unavailable`). */
export class BridgeUnavailableError extends Error {
  override readonly name = 'BridgeUnavailableError';
}

/** Thrown by `startLogin` when the bridge refuses a new login over its limit (→ 403). */
export class LoginLimitError extends Error {
  override readonly name = 'LoginLimitError';
}

/** Thrown by `startLogin` or `logout` when the bridge does not know the login (→ 400/404). */
export class UnknownLoginError extends Error {
  override readonly name = 'UnknownLoginError';
}

/** Thrown by `logout` when the bridge cannot log this one login out on its own (→ 400, nothing changed). */
export class UnsupportedRemovalError extends Error {
  override readonly name = 'UnsupportedRemovalError';
}

/**
 * A bridge. Methods that talk to a remote bridge throw {@link BridgeUnavailableError} when it
 * does not answer; they never throw for a failed login (that is a `failed` outcome).
 */
export interface Bridge {
  readonly descriptor: BridgeDescriptor;
  /** Whether the bridge answers right now (cheap; connectors may cache for a few seconds). */
  health(): Promise<BridgeHealth>;
  flows(): Promise<LoginFlow[]>;
  capabilities(): Promise<ProvisioningCapabilities>;
  /**
   * The bridge's own view of its logins, or `undefined` when the service's stored copy is the
   * truth (the demo bridge). The service reconciles its store with this list.
   */
  liveLogins(actingUserID?: string): Promise<BridgeLoginState[] | undefined>;
  /** Start a login; resolves with the process and its first outcome. */
  startLogin(options: StartLoginOptions): Promise<{ process: LoginProcess; first: StepOutcome }>;
  /**
   * Re-attach a process that was running when the server stopped, from its `resumeState`.
   * Returns undefined when it cannot be resumed (the session then fails `session_interrupted`).
   */
  resumeLogin?(state: unknown, current: InteractiveStep, actingUserID?: string): Promise<LoginProcess | undefined>;
  /** Log a login out on the bridge (the service deletes it from its store afterwards). */
  logout(loginID: string, scope: RemoveScope, actingUserID?: string): Promise<void>;
  /** Release timers, sockets and waits. */
  close?(): Promise<void>;
}
