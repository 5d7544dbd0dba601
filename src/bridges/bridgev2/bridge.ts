/**
 * @module bridges/bridgev2/bridge
 * The {@link Bridge} for one external mautrix bridgev2 bridge: flows, logins and capabilities
 * through its provisioning API, login processes through {@link Bridgev2LoginProcess}.
 */

import type { Clock } from '../../clock.ts';
import {
  BridgeUnavailableError,
  LoginLimitError,
  UnknownLoginError,
  UnsupportedRemovalError,
  type Bridge,
  type BridgeDescriptor,
  type BridgeHealth,
  type BridgeLoginState,
  type CompletedLogin,
  type InteractiveStep,
  type LoginFlow,
  type LoginProcess,
  type ProvisioningCapabilities,
  type RemoveScope,
  type StartLoginOptions,
  type StepOutcome,
} from '../types.ts';
import { AvailabilityLog } from './availability.ts';
import { ProvisioningClient } from './client.ts';
import type { Bridgev2BridgeConfig } from './config.ts';
import { ProvisioningError, ProvisioningHTTPError, isAccessRefusal, isUnreachable } from './errors.ts';
import { Bridgev2LoginProcess, type Bridgev2ResumeState, type Logger, type ProcessContext } from './login-process.ts';
import { loginErrorFromHTTP } from './map-error.ts';
import { bridgeLoginFromWhoami, loginStatusFromState, userFromWhoamiLogin } from './map-state.ts';
import type { WireStepEnvelope } from './wire.ts';

export interface Bridgev2Deps {
  clock: Clock;
  fetch?: typeof fetch;
  log?: Logger;
}

/** How long a `health()` answer is reused. */
export const HEALTH_TTL_MS = 5_000;
/** `/login/start` blocks until the connector has its first step (which may need the network). */
export const START_TIMEOUT_MS = 60_000;
/** `health()` must stay cheap, even when the bridge hangs. */
export const HEALTH_TIMEOUT_MS = 5_000;

const RESOLVE_IDENTIFIER_KEYS = [
  'any_phone',
  'contact_list',
  'create_dm',
  'lookup_email',
  'lookup_phone',
  'lookup_username',
  'search',
] as const;

export class Bridgev2Bridge implements Bridge {
  readonly descriptor: BridgeDescriptor;
  readonly #client: ProvisioningClient;
  /** Clients for people (api.md §10), each sending its person's MXID as `user_id`. */
  readonly #people = new Map<string, { client: ProvisioningClient; ctx: ProcessContext }>();
  readonly #clientOptions: Omit<ConstructorParameters<typeof ProvisioningClient>[0], 'userID'>;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #closed = new AbortController();
  readonly #ctx: ProcessContext;
  #health: { at: number; value: Promise<BridgeHealth> } | undefined;
  readonly #availability: AvailabilityLog;

  constructor(config: Bridgev2BridgeConfig, deps: Bridgev2Deps) {
    this.descriptor = {
      id: config.id,
      type: config.type,
      displayName: config.displayName,
      provider: config.provider,
      supportsMultipleAccounts: config.maxLogins !== 1,
      enabled: config.enabled,
      // Logging out of a bridgev2 login also ends the remote session (all devices of that login).
      removeScopes: ['all-devices'],
      ...(config.network !== undefined && { network: config.network }),
      ...(config.maxLogins !== undefined && { maxLogins: config.maxLogins }),
    };
    this.#clock = deps.clock;
    this.#log = deps.log ?? (() => {});
    this.#availability = new AvailabilityLog(config.id, this.#log);
    this.#clientOptions = {
      baseURL: config.provisioning.url,
      sharedSecret: config.provisioning.sharedSecret,
      clock: deps.clock,
      ...(deps.fetch && { fetch: deps.fetch }),
    };
    this.#client = new ProvisioningClient({ ...this.#clientOptions, userID: config.provisioning.userID });
    this.#ctx = {
      bridgeID: config.id,
      client: this.#client,
      clock: deps.clock,
      log: this.#log,
      closed: this.#closed.signal,
      claimed: new Set(),
      describeLogin: (loginID, instructions) => this.#describeLogin(loginID, instructions),
    };
  }

  health(): Promise<BridgeHealth> {
    const now = this.#clock.now();
    if (this.#health && now - this.#health.at < HEALTH_TTL_MS) return this.#health.value;
    const value = this.#client.flows({ timeoutMs: HEALTH_TIMEOUT_MS }).then(
      (): BridgeHealth => {
        this.#availability.note(undefined);
        return { reachable: true };
      },
      (error: unknown): BridgeHealth => {
        this.#availability.note(error);
        return { reachable: false, statusText: unavailableText(error) };
      },
    );
    this.#health = { at: now, value };
    return value;
  }

  async flows(): Promise<LoginFlow[]> {
    const { flows } = await this.#call(() => this.#client.flows());
    return (flows ?? []).map((flow) => ({
      id: flow.id,
      ...(flow.name && { name: flow.name }),
      ...(flow.description && { description: flow.description }),
    }));
  }

  async capabilities(): Promise<ProvisioningCapabilities> {
    let wire;
    try {
      wire = await this.#call(() => this.#client.capabilities());
    } catch (error) {
      // Bridges older than the endpoint: M_UNRECOGNIZED 404. They offer none of these.
      if (error instanceof BridgeUnavailableError && error.cause instanceof ProvisioningHTTPError && error.cause.status === 404) {
        wire = {};
      } else {
        throw error;
      }
    }
    const resolve = wire.resolve_identifier ?? {};
    const capabilities: ProvisioningCapabilities = {
      group_creation: wire.group_creation ?? {},
      resolve_identifier: Object.fromEntries(
        RESOLVE_IDENTIFIER_KEYS.map((key) => [key, resolve[key] === true]),
      ) as ProvisioningCapabilities['resolve_identifier'],
    };
    if (wire.image_pack_import !== undefined) capabilities.image_pack_import = wire.image_pack_import;
    return capabilities;
  }

  /** The client and process context acting as `userID`, or as the configured user (the owner). */
  #as(userID: string | undefined): { client: ProvisioningClient; ctx: ProcessContext } {
    if (userID === undefined) return { client: this.#client, ctx: this.#ctx };
    let person = this.#people.get(userID);
    if (!person) {
      const client = new ProvisioningClient({ ...this.#clientOptions, userID });
      person = { client, ctx: { ...this.#ctx, client, describeLogin: (loginID, instructions) => this.#describeLogin(loginID, instructions, client) } };
      this.#people.set(userID, person);
    }
    return person;
  }

  async liveLogins(actingUserID?: string): Promise<BridgeLoginState[]> {
    const client = this.#as(actingUserID).client;
    const whoami = await this.#call(() => client.whoami());
    return (whoami.logins ?? []).map(bridgeLoginFromWhoami);
  }

  async startLogin(options: StartLoginOptions): Promise<{ process: LoginProcess; first: StepOutcome }> {
    const { flowID, loginID, signal } = options;
    const { client, ctx } = this.#as(options.actingUserID);
    // The logins before the start let a lost `complete` answer be recognised later (§11).
    let known: string[] | undefined;
    try {
      known = (await client.logins({ signal })).login_ids ?? [];
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (isUnreachable(error) || isAccessRefusal(error)) throw this.#unavailable(error);
      // Any other refusal shows up again, mapped, on the start itself.
    }
    let envelope: WireStepEnvelope;
    try {
      envelope = await client.startLogin(flowID, {
        signal,
        timeoutMs: START_TIMEOUT_MS,
        ...(loginID !== undefined && { loginID }),
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      // Start is not idempotent, so it is never retried.
      if (isUnreachable(error) || isAccessRefusal(error)) throw this.#unavailable(error);
      if (!(error instanceof ProvisioningHTTPError)) {
        return failedStart('bridge_error', 'The bridge sent an answer this server cannot read.');
      }
      this.#log('bridgev2: start refused', { bridgeID: this.descriptor.id, status: error.status, errcode: error.errcode });
      if (error.errcode === 'FI.MAU.BRIDGE.TOO_MANY_LOGINS') throw new LoginLimitError(error.error ?? error.message);
      if (loginID !== undefined && error.errcode === 'M_NOT_FOUND' && error.error === 'Login not found') {
        throw new UnknownLoginError(`${this.descriptor.id} has no login ${loginID}`);
      }
      const failure = loginErrorFromHTTP(error);
      return failedStart(failure.code, failure.message, failure.details);
    }
    const process = new Bridgev2LoginProcess(ctx, {
      envelope,
      ...(known && { knownLoginIDs: known }),
      ...(loginID !== undefined && { reloginID: loginID }),
    });
    return { process, first: await process.accept(envelope) };
  }

  async resumeLogin(state: unknown, current: InteractiveStep, actingUserID?: string): Promise<LoginProcess | undefined> {
    const { client, ctx } = this.#as(actingUserID);
    if (!isResumeState(state)) return undefined;
    const { envelope } = state;
    if (envelope.type === 'user_input' || envelope.type === 'cookies') {
      // No GET for a process: an empty answer is refused with M_NOT_JSON while the process lives,
      // 404 once it is gone, and nothing runs either way.
      try {
        await client.submitStep(state.processID, envelope.step_id, envelope.type, { txnID: envelope.txn_id });
        return undefined;
      } catch (error) {
        if (!(error instanceof ProvisioningHTTPError && error.errcode === 'M_NOT_JSON')) return undefined;
      }
    }
    // display_and_wait: the first wait re-attaches; a lost process then fails `session_interrupted`.
    return new Bridgev2LoginProcess(ctx, {
      envelope,
      step: current,
      resumed: true,
      ...(state.knownLoginIDs && { knownLoginIDs: state.knownLoginIDs }),
      ...(state.reloginID !== undefined && { reloginID: state.reloginID }),
    });
  }

  async logout(loginID: string, _scope: RemoveScope, actingUserID?: string): Promise<void> {
    const client = this.#as(actingUserID).client;
    // `POST /v3/logout/all` logs out every login of the user (§5): a login whose ID is "all" (the
    // dummybridge uses usernames as IDs) cannot be logged out alone.
    if (loginID === 'all') {
      throw new UnsupportedRemovalError(
        'this login\'s ID is "all", which the bridge\'s logout reads as every login of this user; log it out from the bridge itself',
      );
    }
    try {
      await this.#call(() => client.logout(loginID));
    } catch (error) {
      const cause = error instanceof BridgeUnavailableError ? error.cause : undefined;
      if (cause instanceof ProvisioningHTTPError && cause.status === 404) {
        throw new UnknownLoginError(`${this.descriptor.id} has no login ${loginID}`);
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    this.#closed.abort();
  }

  /** Runs a call; any failure becomes a {@link BridgeUnavailableError} (its `cause` is the original). */
  async #call<T>(fn: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      throw this.#unavailable(error);
    }
    this.#availability.note(undefined);
    return result;
  }

  #unavailable(error: unknown): BridgeUnavailableError {
    const cause = error instanceof BridgeUnavailableError ? error.cause : error;
    // Only what says something about the bridge as a whole (not e.g. a 404 for one login).
    if (isUnreachable(cause) || isAccessRefusal(cause)) this.#availability.note(cause);
    return unavailableError(error);
  }

  async #describeLogin(loginID: string, instructions?: string, client = this.#client): Promise<CompletedLogin> {
    const completed: CompletedLogin = { loginID, user: { id: loginID }, status: 'connecting' };
    if (instructions) completed.instructions = instructions;
    try {
      const whoami = await client.whoami({ signal: this.#closed.signal });
      const login = whoami.logins?.find((l) => l.id === loginID);
      if (login) {
        completed.user = userFromWhoamiLogin(login);
        const { status, statusText } = loginStatusFromState(login.state);
        completed.status = status;
        if (statusText) completed.statusText = statusText;
      }
    } catch (error) {
      // The login exists on the bridge; its details can come with the next reconciliation.
      this.#log('bridgev2: whoami after login failed', { bridgeID: this.descriptor.id, error: String(error) });
    }
    return completed;
  }
}

function failedStart(
  code: string,
  message: string,
  details?: Record<string, unknown>,
): { process: LoginProcess; first: StepOutcome } {
  const first: StepOutcome = { kind: 'failed', error: details ? { code, message, details } : { code, message } };
  const process: LoginProcess = {
    submit: async () => first,
    wait: async () => first,
    cancel: async () => {},
  };
  return { process, first };
}

function unavailableError(error: unknown): BridgeUnavailableError {
  if (error instanceof BridgeUnavailableError) return error;
  return new BridgeUnavailableError(unavailableText(error), { cause: error });
}

/** Why the bridge is unusable, in words (no URL query, no secret: errors carry neither). */
function unavailableText(error: unknown): string {
  if (isAccessRefusal(error)) {
    return `The bridge refused the provisioning credentials (${error.errcode ?? error.status}: ${error.error ?? ''}).`;
  }
  if (error instanceof ProvisioningError) return `The bridge is not answering: ${error.message}`;
  return `The bridge is not answering: ${String(error)}`;
}

function isResumeState(state: unknown): state is Bridgev2ResumeState {
  if (typeof state !== 'object' || state === null) return false;
  const s = state as Partial<Bridgev2ResumeState>;
  return (
    s.version === 1 &&
    typeof s.processID === 'string' &&
    typeof s.envelope === 'object' &&
    s.envelope !== null &&
    typeof s.envelope.step_id === 'string' &&
    typeof s.envelope.type === 'string' &&
    (s.knownLoginIDs === undefined || Array.isArray(s.knownLoginIDs))
  );
}
