/**
 * @module bridges/bridgev2/login-process
 * One login process on a bridgev2 bridge. It keeps the process id and the last step envelope,
 * answers steps with the envelope's `txn_id` (so that a retry is replayed, never run twice),
 * long-polls `display_and_wait` and re-attaches to it after a dropped connection, and turns
 * every answer of the bridge into a {@link StepOutcome}. It never throws for a failed login.
 */

import type { Clock } from '../../clock.ts';
import type { CompletedLogin, InteractiveStep, LoginError, LoginProcess, StepInput, StepOutcome } from '../types.ts';
import type { ProvisioningClient } from './client.ts';
import { ProvisioningHTTPError, ProvisioningTimeoutError, isUnreachable } from './errors.ts';
import { loginErrorFromHTTP } from './map-error.ts';
import { mapEnvelope, phoneDigits } from './map-step.ts';
import { withQRImage } from './qr-image.ts';
import { anySignal, sleep } from './signals.ts';
import type { WireStepEnvelope } from './wire.ts';

export type Logger = (msg: string, data?: object) => void;

/** What a process needs from its bridge. */
export interface ProcessContext {
  readonly bridgeID: string;
  readonly client: ProvisioningClient;
  readonly clock: Clock;
  readonly log: Logger;
  /** Fires when the bridge connector is closed: every running call ends. */
  readonly closed: AbortSignal;
  /**
   * User login IDs that processes of this bridge completed while this server ran: never taken
   * as the completion of another process whose answer was lost.
   */
  readonly claimed: Set<string>;
  /** The login a `complete` step names, with its user and status from `whoami`. */
  describeLogin(loginID: string, instructions?: string): Promise<CompletedLogin>;
}

/** What {@link Bridgev2LoginProcess.resumeState} returns: ids and the last step, no secrets. */
export interface Bridgev2ResumeState {
  version: 1;
  processID: string;
  envelope: WireStepEnvelope;
  /** User login ids that existed before the start (to recognise a completion we missed). */
  knownLoginIDs?: string[];
  reloginID?: string;
}

export interface ProcessInit {
  envelope: WireStepEnvelope;
  knownLoginIDs?: readonly string[];
  reloginID?: string;
  /** Re-attached after a server restart: a lost process then fails `session_interrupted`. */
  resumed?: boolean;
  /** The step the session shows (from the store, when resuming). */
  step?: InteractiveStep;
}

/** Waits between attempts after a transport failure; the first re-attach is immediate. */
export const RETRY_DELAYS_MS = [0, 1_000, 2_000, 4_000, 8_000] as const;
/** Client-side limit of one `display_and_wait` long-poll; on expiry we simply re-attach. */
export const LONG_POLL_TIMEOUT_MS = 10 * 60_000;
/**
 * Client-side limit of one submit. A step runs the connector, which may need the network (as
 * a start does); past this the submit is re-sent with its `txn_id`, which joins the running step.
 */
export const SUBMIT_TIMEOUT_MS = 60_000;
/** An attempt that held this long counts as a working connection (a proxy cut a long-poll). */
export const HEALTHY_ATTEMPT_MS = 30_000;
/** Pause before polling again when a poll came back with the very step we are showing. */
export const UNCHANGED_POLL_DELAY_MS = 1_000;
export const CANCEL_TIMEOUT_MS = 5_000;

/** Bridge errors that leave the bridge's process alive, so we end it there ourselves. */
const PROCESS_SURVIVES = new Set(['M_BAD_STATE', 'M_UNRECOGNIZED', 'FI.MAU.BRIDGE.LOGIN_ALREADY_FINISHED']);

type Exchange = { envelope: WireStepEnvelope } | { outcome: StepOutcome };

export class Bridgev2LoginProcess implements LoginProcess {
  readonly #ctx: ProcessContext;
  readonly #abort = new AbortController();
  readonly #known: ReadonlySet<string> | undefined;
  readonly #reloginID: string | undefined;
  #envelope: WireStepEnvelope;
  #step: InteractiveStep | undefined;
  #terminal: StepOutcome | undefined;
  #resumed: boolean;
  /**
   * Since the last step we accepted, the bridge may have moved on without our hearing it: an
   * answer was lost in transit, the bridge replayed instead of answering, or the server was
   * stopped. Only then can a vanished process be a completion we missed.
   */
  #mayHaveMissed: boolean;

  constructor(ctx: ProcessContext, init: ProcessInit) {
    this.#ctx = ctx;
    this.#envelope = init.envelope;
    this.#known = init.knownLoginIDs ? new Set(init.knownLoginIDs) : undefined;
    this.#reloginID = init.reloginID;
    this.#resumed = init.resumed ?? false;
    this.#mayHaveMissed = this.#resumed;
    const mapped = mapEnvelope(init.envelope);
    this.#step = init.step ?? (mapped.kind === 'step' ? mapped.step : undefined);
  }

  /** The bridge's login *process* id (`login_id` of the envelopes). */
  get processID(): string {
    return this.#envelope.login_id;
  }

  /** Turns an envelope the bridge just sent into the session's outcome. */
  async accept(envelope: WireStepEnvelope): Promise<StepOutcome> {
    this.#resumed = false;
    this.#mayHaveMissed = false;
    const mapped = mapEnvelope(envelope);
    if (mapped.kind === 'step') {
      const step = await withQRImage(mapped.step);
      this.#envelope = envelope;
      this.#step = step;
      return { kind: 'step', step };
    }
    if (mapped.kind === 'complete') {
      this.#ctx.claimed.add(mapped.loginID);
      const login = await this.#ctx.describeLogin(mapped.loginID, mapped.instructions);
      return this.#finish({ kind: 'complete', login });
    }
    // A step we cannot show (webauthn, an unreadable cookie source): the bridge still waits on it.
    this.#envelope = envelope;
    this.#log('step cannot be shown, ending the login', { code: mapped.error.code, type: envelope.type });
    await this.#cancelOnBridge();
    return this.#finish({ kind: 'failed', error: mapped.error });
  }

  async submit(input: StepInput): Promise<StepOutcome> {
    if (this.#terminal) return this.#terminal;
    const sent = this.#envelope;
    if (sent.type !== 'user_input' && sent.type !== 'cookies') {
      throw new Error(`submit() called while the current step is ${sent.type}`);
    }
    const body = this.#normalized(input);
    const linked = anySignal(this.#abort.signal, this.#ctx.closed);
    // Without a txn_id (bridges older than v0.28.1) the step runs inside this request: ending
    // the request would end the process, so it gets no client-side limit.
    const timeoutMs = sent.txn_id === undefined ? 0 : SUBMIT_TIMEOUT_MS;
    try {
      // Retrying a submit is safe only with a txn_id (the bridge then replays instead of re-running).
      return await this.#answered(
        sent,
        (signal) => this.#ctx.client.submitStep(sent.login_id, sent.step_id, sent.type, { txnID: sent.txn_id, body, signal, timeoutMs }),
        linked.signal,
        { retry: sent.txn_id !== undefined, longPoll: false },
      );
    } finally {
      linked.dispose();
    }
  }

  async wait(signal: AbortSignal): Promise<StepOutcome> {
    if (this.#terminal) return this.#terminal;
    if (this.#envelope.type !== 'display_and_wait') {
      throw new Error(`wait() called while the current step is ${this.#envelope.type}`);
    }
    const linked = anySignal(signal, this.#abort.signal, this.#ctx.closed);
    const sent = this.#envelope;
    try {
      return await this.#answered(
        sent,
        (s) =>
          this.#ctx.client.submitStep(sent.login_id, sent.step_id, 'display_and_wait', {
            txnID: sent.txn_id,
            signal: s,
            // Without a txn_id the wait runs inside this request: ending it would fail the login.
            timeoutMs: sent.txn_id === undefined ? 0 : LONG_POLL_TIMEOUT_MS,
          }),
        linked.signal,
        { retry: true, longPoll: true },
      );
    } finally {
      linked.dispose();
    }
  }

  async cancel(): Promise<void> {
    const wasTerminal = this.#terminal !== undefined;
    this.#finish({ kind: 'failed', error: { code: 'cancelled', message: 'The login was cancelled.' } });
    // End the local long-poll at once. On bridges without a cancel endpoint (< v0.28.1) the wait
    // runs inside that request, so this is also what stops it there.
    this.#abort.abort();
    if (!wasTerminal) await this.#cancelOnBridge();
  }

  resumeState(): Bridgev2ResumeState | undefined {
    if (this.#terminal) return undefined;
    const envelope: WireStepEnvelope = { ...this.#envelope };
    // Attachments (captcha images) can be large and the session store has the step anyway.
    if (envelope.user_input) envelope.user_input = { ...envelope.user_input, attachments: null };
    const state: Bridgev2ResumeState = { version: 1, processID: this.processID, envelope };
    if (this.#known) state.knownLoginIDs = [...this.#known];
    if (this.#reloginID !== undefined) state.reloginID = this.#reloginID;
    return state;
  }

  /** The input as the bridge takes it: phone numbers without the separators people type. */
  #normalized(input: StepInput): StepInput {
    if (this.#step?.type !== 'user_input') return input;
    let out: Record<string, string> | undefined;
    for (const f of this.#step.fields) {
      const value = input[f.id];
      if (f.type === 'tel' && value !== undefined) (out ??= { ...input })[f.id] = phoneDigits(value);
    }
    return out ?? input;
  }

  /**
   * Sends the step `sent` until the bridge answers with something new, and turns that into the
   * outcome. A new step always comes with a new `txn_id`: an answer with `sent`'s own is a replay
   * of it, while the bridge still runs what we sent out of our sight (a wait it did not let us
   * join, a submission of a step asked again under the same ID). Then we ask again, gently.
   */
  async #answered(
    sent: WireStepEnvelope,
    send: (signal: AbortSignal) => Promise<WireStepEnvelope>,
    signal: AbortSignal,
    options: { retry: boolean; longPoll: boolean },
  ): Promise<StepOutcome> {
    for (;;) {
      const result = await this.#exchange(send, signal, options);
      if ('outcome' in result) return result.outcome;
      const answer = result.envelope;
      if (sent.txn_id === undefined || answer.txn_id !== sent.txn_id || answer.type !== sent.type) return await this.accept(answer);
      this.#mayHaveMissed = true;
      this.#log('the bridge answered with the step already shown, asking again', { delay: UNCHANGED_POLL_DELAY_MS });
      await sleep(this.#ctx.clock, UNCHANGED_POLL_DELAY_MS, signal);
    }
  }

  /**
   * Sends one request, re-sending it after transport failures when that is safe (bounded,
   * with backoff on the clock). HTTP errors become outcomes at once.
   */
  async #exchange(
    send: (signal: AbortSignal) => Promise<WireStepEnvelope>,
    signal: AbortSignal,
    options: { retry: boolean; longPoll: boolean },
  ): Promise<Exchange> {
    let failures = 0;
    for (;;) {
      const startedAt = this.#ctx.clock.now();
      try {
        return { envelope: await send(signal) };
      } catch (error) {
        // The request may have reached the bridge and its answer been lost (or, when we stopped
        // listening, go unheard): a later 404 may then be a completion we missed.
        if (signal.aborted || isUnreachable(error)) this.#mayHaveMissed = true;
        if (signal.aborted) throw signal.reason;
        if (!isUnreachable(error)) {
          if (error instanceof ProvisioningHTTPError) return { outcome: await this.#failFromHTTP(error) };
          this.#log('unexpected answer from the bridge', { error: String(error) });
          // We give up on the process; the bridge would keep it (and could still link the account).
          await this.#cancelOnBridge();
          return { outcome: this.#finish(failed('bridge_error', 'The bridge sent an answer this server cannot read.')) };
        }
        const cutLongPoll =
          options.longPoll &&
          (error instanceof ProvisioningTimeoutError ||
            (error instanceof ProvisioningHTTPError && error.status === 504) ||
            this.#ctx.clock.now() - startedAt >= HEALTHY_ATTEMPT_MS);
        if (cutLongPoll) failures = 0;
        if (!options.retry || failures >= RETRY_DELAYS_MS.length) {
          this.#log('bridge unreachable during the login', { error: String(error), attempts: failures + 1 });
          // Without a safe retry, the answer we lost may still have been a completion.
          const completed = await this.#findCompletedLogin();
          if (completed) return { outcome: this.#finish({ kind: 'complete', login: completed }) };
          // We give up on the process; if the bridge still has it, it must not finish unseen.
          await this.#cancelOnBridge();
          return { outcome: this.#finish(unavailable(error)) };
        }
        const delay = RETRY_DELAYS_MS[failures++] ?? 0;
        this.#log('transport error, sending the step again', { error: String(error), attempt: failures, delay });
        if (delay > 0) await sleep(this.#ctx.clock, delay, signal);
      }
    }
  }

  async #failFromHTTP(error: ProvisioningHTTPError): Promise<StepOutcome> {
    this.#log('bridge refused the step', { status: error.status, errcode: error.errcode });
    if (error.status === 404 && error.errcode === 'M_NOT_FOUND') return this.#processLost(error);
    if (error.errcode === 'M_NOT_JSON' && this.#step) {
      // The bridge did not take this input but keeps the process: the step stays as it is.
      return { kind: 'step', step: this.#step };
    }
    if (error.errcode === 'M_BAD_STATE') {
      // Bridges before mautrix-go v0.26.3 keep a completed process: the re-sent step is then
      // refused as out of date instead of 404. A login that appeared meanwhile is ours.
      const completed = await this.#findCompletedLogin();
      if (completed) return this.#finish({ kind: 'complete', login: completed });
    }
    if (error.errcode !== undefined && PROCESS_SURVIVES.has(error.errcode)) await this.#cancelOnBridge();
    return this.#finish({ kind: 'failed', error: loginErrorFromHTTP(error) });
  }

  /**
   * The bridge no longer knows the process: it completed (and our answer got lost), expired,
   * failed, or the bridge restarted. A user login that appeared since the start means the first.
   */
  async #processLost(error: ProvisioningHTTPError): Promise<StepOutcome> {
    const completed = await this.#findCompletedLogin();
    if (completed) return this.#finish({ kind: 'complete', login: completed });
    const details = error.toDetails();
    if (this.#resumed) {
      return this.#finish(
        failed('session_interrupted', 'The bridge no longer has this login: it ended while the server was stopped.', details),
      );
    }
    return this.#finish(
      failed('login_timed_out', 'The bridge no longer has this login: it expired, or the bridge restarted.', details),
    );
  }

  /**
   * After an answer we may have missed (§11: "after 404 on a retry, check `GET /v3/logins`"):
   * the one user login that appeared since the start and that no other process of this bridge
   * completed. Never when nothing was missed: the process then ended some other way.
   */
  async #findCompletedLogin(): Promise<CompletedLogin | undefined> {
    if (!this.#known || !this.#mayHaveMissed) return undefined;
    try {
      const { login_ids: ids } = await this.#ctx.client.logins({ signal: this.#ctx.closed });
      const fresh = (ids ?? []).filter((id) => !this.#known?.has(id) && !this.#ctx.claimed.has(id));
      // Exactly one new login: ours. More than one (other sessions finished too) stays ambiguous.
      if (fresh.length !== 1 || fresh[0] === undefined) return undefined;
      this.#log('process gone but a new login appeared: it completed', { loginID: fresh[0] });
      this.#ctx.claimed.add(fresh[0]);
      return await this.#ctx.describeLogin(fresh[0]);
    } catch {
      return undefined;
    }
  }

  async #cancelOnBridge(): Promise<void> {
    try {
      await this.#ctx.client.cancelLogin(this.processID, { timeoutMs: CANCEL_TIMEOUT_MS });
    } catch (error) {
      // 404: already gone, or a bridge without the cancel endpoint (M_UNRECOGNIZED, < v0.28.1).
      if (error instanceof ProvisioningHTTPError && error.status === 404) return;
      this.#log('cancel on the bridge failed', { error: String(error) });
    }
  }

  #finish(outcome: StepOutcome): StepOutcome {
    this.#terminal ??= outcome;
    return outcome;
  }

  #log(msg: string, data: object = {}): void {
    this.#ctx.log(`bridgev2: ${msg}`, { bridgeID: this.#ctx.bridgeID, processID: this.processID, ...data });
  }
}

function failed(code: string, message: string, details?: Record<string, unknown>): StepOutcome {
  const error: LoginError = details ? { code, message, details } : { code, message };
  return { kind: 'failed', error };
}

function unavailable(error: unknown): StepOutcome {
  return failed('bridge_unavailable', 'The bridge stopped answering during the login.', {
    cause: error instanceof Error ? error.message : String(error),
  });
}
