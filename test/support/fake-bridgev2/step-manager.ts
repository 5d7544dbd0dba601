/**
 * @module test/support/fake-bridgev2/step-manager
 * The login-process table of the fake bridge: the v0.30 "step manager" of the protocol notes §6
 * (prev/next/started, replay by step id or txn id, join of concurrent duplicates, sticky error,
 * removal on complete/fail/cancel, 30-minute deadline on the injected clock), and, in legacy
 * mode, the behaviour before v0.28.1 of §9 (no txn_id, the step runs inside the request under a
 * per-process lock, generic error messages, no deadline).
 */

import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Clock, TimerHandle } from '../../../src/clock.ts';
import { completeStep, createFlow, type Action, type FakeConnectorProcess, type FakeStep } from './flows.ts';
import { errors, toRespError, type RespError } from './resp-error.ts';
import type { FakeLogins } from './state.ts';

export const PROCESS_TIMEOUT_MS = 30 * 60_000;

/** A step as sent on the wire: the connector's step plus `login_id` (process id) and `txn_id`. */
export type WireStep = FakeStep & { login_id: string; txn_id?: string };
export type Result = { ok: object } | { err: RespError };

export interface FakeProcess {
  readonly id: string;
  readonly userID: string;
  readonly flowID: string;
  readonly connector: FakeConnectorProcess;
  readonly ctrl: AbortController;
  readonly deadline: number;
  readonly overrideLoginID: string | undefined;
  next: WireStep;
  prev: WireStep | undefined;
  started: boolean;
  execution: Promise<Result> | undefined;
  /** Sticky: once set, every request gets it. */
  err: RespError | undefined;
  removed: boolean;
  expired: boolean;
  /** How many times the connector was asked to run a step (joins and replays do not count). */
  executions: number;
  /** Requests currently waiting for this process to answer. */
  readonly attached: Set<ServerResponse>;
  readonly actions: Action[];
  pendingAction: ((action: Action) => void) | undefined;
  failNext: unknown;
  timer: TimerHandle | undefined;
  lock: Promise<void>;
  cancelled: Promise<Result>;
  resolveCancelled: (result: Result) => void;
}

export interface StepManagerOptions {
  /** A step runs inside its request, behind a per-process lock (before v0.28.1). */
  legacy: boolean;
  /** Steps carry a `txn_id` (v0.30.0+). */
  txn: boolean;
  /** The `FI.MAU.BRIDGE.*` codes are 500 (before v0.30.0). */
  oldStatus: boolean;
  /** Completed and failed processes are never removed (before v0.26.3). */
  keepsFinished: boolean;
  /** Apply §6.2 step 3 literally: a re-attach to a running step whose previous step had the same id is a replay. */
  literalReplay?: boolean;
  failOnWebauthn: boolean;
  maxLogins: number;
  clock: Clock;
  logins: FakeLogins;
}

export class StepManager {
  readonly processes = new Map<string, FakeProcess>();
  /** Every process ever started, also after its removal (for assertions). */
  readonly history = new Map<string, FakeProcess>();
  /** Emits `attached` (process id) whenever a request starts waiting on a process. */
  readonly events = new EventEmitter();
  #startFailure: unknown;

  constructor(readonly options: StepManagerOptions) {}

  /** Makes the next start fail with `error` (a RespError, or a plain error → 500 M_UNKNOWN). */
  failNextStart(error: unknown): void {
    this.#startFailure = error;
  }

  async start(userID: string, flowID: string, overrideLoginID: string | undefined, request: AbortSignal): Promise<Result> {
    const { legacy, oldStatus, logins, maxLogins } = this.options;
    if (overrideLoginID !== undefined) {
      if (logins.get(overrideLoginID)?.userID !== userID) return { err: errors.loginNotFound() };
    } else if (maxLogins > 0 && logins.of(userID).length >= maxLogins) {
      return { err: errors.tooManyLogins(maxLogins, oldStatus) };
    }
    const proc = this.#create(userID, flowID, overrideLoginID);
    this.history.set(proc.id, proc);
    const failure = this.#startFailure;
    this.#startFailure = undefined;
    let first: FakeStep;
    try {
      if (failure !== undefined) throw failure;
      first = await proc.connector.start();
    } catch (error) {
      this.#destroy(proc, new Error('start failed'));
      return { err: toRespError(error, 'Internal error starting login', legacy) };
    }
    // A client that went away before the first step cancels the process.
    if (request.aborted) {
      this.#destroy(proc, new Error('context canceled'));
      return { err: errors.loginCancelled(oldStatus) };
    }
    this.processes.set(proc.id, proc);
    if (!legacy) proc.timer = this.options.clock.setTimeout(() => this.#expire(proc), PROCESS_TIMEOUT_MS);
    return this.#accept(proc, first);
  }

  /** `POST /login/step/...` after the process lookup and the body checks. */
  step(
    proc: FakeProcess,
    req: { stepID: string; stepType: string; txnID: string | undefined; body: Record<string, string>; signal: AbortSignal },
    res: ServerResponse,
  ): Promise<Result> {
    return this.options.legacy ? this.#legacyStep(proc, req, res) : this.#step(proc, req, res);
  }

  async #step(
    proc: FakeProcess,
    req: { stepID: string; stepType: string; txnID: string | undefined; body: Record<string, string> },
    res: ServerResponse,
  ): Promise<Result> {
    const { stepID, stepType, txnID } = req;
    // 1. The process context is done (cancelled, or past its deadline).
    if (proc.ctrl.signal.aborted || this.options.clock.now() >= proc.deadline) {
      const timedOut = proc.expired || this.options.clock.now() >= proc.deadline;
      this.#destroy(proc, new Error(timedOut ? 'context deadline exceeded' : 'context canceled'));
      if (proc.next.type === 'complete') return { ok: proc.next };
      if (proc.err) return { err: proc.err };
      return { err: timedOut ? errors.loginTimedOut() : errors.loginCancelled() };
    }
    // 2. Sticky error.
    if (proc.err) return { err: proc.err };
    // 3. Replay: the previous step again (by txn_id, or by step id while the next one runs).
    //    The same txn as `next` is a re-attach and joins below instead (notes §12).
    // Without txn_ids (v0.28.1–v0.29.x) a repeated POST waits on the process lock for the
    // running step and gets its answer: a join too.
    const reattach =
      (!this.options.literalReplay && txnID !== undefined && txnID === proc.next.txn_id) || (!this.options.txn && proc.started);
    if (proc.prev && ((txnID !== undefined && proc.prev.txn_id === txnID) || (proc.started && !reattach && proc.prev.step_id === stepID))) {
      return { ok: proc.next };
    }
    // 4-6. Validation.
    if (proc.next.step_id !== stepID) return { err: errors.badState('Step ID does not match') };
    if (txnID !== undefined && txnID !== proc.next.txn_id) return { err: errors.badState('Transaction ID does not match') };
    if (proc.next.type !== stepType) return { err: errors.badState('Step type does not match') };
    // 7. Run, or join the running execution (this body is then ignored).
    if (!proc.started || !proc.execution) {
      proc.started = true;
      proc.execution = this.#run(proc, req.body, proc.ctrl.signal);
    }
    // 8. Wait for it; a cancel answers every waiter with 410 at once.
    return this.#attach(proc, res, Promise.race([proc.execution, proc.cancelled]));
  }

  async #legacyStep(
    proc: FakeProcess,
    req: { stepID: string; stepType: string; body: Record<string, string>; signal: AbortSignal },
    res: ServerResponse,
  ): Promise<Result> {
    const previous = proc.lock;
    let release!: () => void;
    proc.lock = new Promise((resolve) => (release = resolve));
    await previous;
    try {
      if (proc.removed) return { err: errors.loginNotFound() };
      if (proc.next.step_id !== req.stepID) return { err: errors.badState('Step ID does not match') };
      if (proc.next.type !== req.stepType) return { err: errors.badState('Step type does not match') };
      proc.started = true;
      // The step runs on the request's context: a dropped request cancels it and kills the process.
      return await this.#attach(proc, res, this.#run(proc, req.body, AbortSignal.any([proc.ctrl.signal, req.signal])));
    } finally {
      release();
    }
  }

  /** `POST /login/cancel/{id}` (v0.28.1+). */
  cancel(id: string): Result {
    const proc = this.processes.get(id);
    if (!proc) return { err: errors.loginNotFound() };
    proc.resolveCancelled({ err: errors.loginCancelled() });
    this.#destroy(proc, new Error('context canceled'));
    return { ok: {} };
  }

  /** Queues what the test makes happen to a waiting step (scan, refresh, fail). */
  act(id: string, action: Action): void {
    const proc = this.#get(id);
    if (action.kind === 'fail' && proc.next.type !== 'display_and_wait') {
      proc.failNext = action.error;
      return;
    }
    const pending = proc.pendingAction;
    if (pending) {
      proc.pendingAction = undefined;
      pending(action);
    } else {
      proc.actions.push(action);
    }
  }

  /** Destroys the sockets of the requests waiting on a process (a dropped long-poll). */
  dropAttached(id: string): number {
    const proc = this.#get(id);
    const dropped = [...proc.attached];
    proc.attached.clear();
    for (const res of dropped) res.socket?.destroy();
    return dropped.length;
  }

  /** The bridge stops: every process is lost (logins, in the database, survive). */
  stopAll(): void {
    for (const proc of [...this.processes.values()]) this.#destroy(proc, new Error('bridge stopped'));
  }

  #get(id: string): FakeProcess {
    const proc = this.processes.get(id);
    if (!proc) throw new Error(`fake bridge: no login process ${id}`);
    return proc;
  }

  #create(userID: string, flowID: string, overrideLoginID: string | undefined): FakeProcess {
    const id = xid();
    let resolveCancelled!: (result: Result) => void;
    const cancelled = new Promise<Result>((resolve) => (resolveCancelled = resolve));
    const ctrl = new AbortController();
    const proc: FakeProcess = {
      id,
      userID,
      flowID,
      ctrl,
      deadline: this.options.legacy ? Infinity : this.options.clock.now() + PROCESS_TIMEOUT_MS,
      overrideLoginID,
      next: undefined as unknown as WireStep,
      prev: undefined,
      started: false,
      execution: undefined,
      err: undefined,
      removed: false,
      expired: false,
      executions: 0,
      attached: new Set(),
      actions: [],
      pendingAction: undefined,
      failNext: undefined,
      timer: undefined,
      lock: Promise.resolve(),
      cancelled,
      resolveCancelled,
      connector: createFlow(flowID, {
        processID: id,
        completeLogin: (creds) => {
          this.options.logins.upsert(userID, creds);
          return completeStep(creds.username);
        },
        nextAction: (signal) =>
          new Promise<Action>((resolve, reject) => {
            const queued = proc.actions.shift();
            if (queued) return resolve(queued);
            if (signal.aborted) return reject(signal.reason as Error);
            const onAbort = (): void => {
              proc.pendingAction = undefined;
              reject(signal.reason as Error);
            };
            signal.addEventListener('abort', onAbort, { once: true });
            proc.pendingAction = (action) => {
              signal.removeEventListener('abort', onAbort);
              resolve(action);
            };
          }),
        takeFailure: () => {
          const failure = proc.failNext;
          proc.failNext = undefined;
          return failure;
        },
      }),
    };
    return proc;
  }

  async #run(proc: FakeProcess, body: Record<string, string>, signal: AbortSignal): Promise<Result> {
    const { legacy } = this.options;
    const type = proc.next.type;
    proc.executions++;
    try {
      const step = type === 'display_and_wait' ? await proc.connector.wait(signal) : await proc.connector.submit(body, signal);
      if (proc.removed) return { err: proc.err ?? errors.loginCancelled(this.options.oldStatus) };
      return this.#accept(proc, step);
    } catch (error) {
      const message = !legacy
        ? 'Internal error in login step'
        : type === 'display_and_wait'
          ? 'Internal error waiting for login'
          : 'Internal error submitting input';
      const err = toRespError(error, message, legacy);
      // Before v0.26.3 a failed step leaves the process as it was: the same step can be sent again.
      if (this.options.keepsFinished) return { err };
      if (!legacy) proc.err = err;
      this.#destroy(proc, new Error('step failed'));
      return { err };
    }
  }

  /** Stores the connector's next step (fresh txn_id), or fails the process. */
  #accept(proc: FakeProcess, step: FakeStep): Result {
    const { legacy, failOnWebauthn } = this.options;
    const allowed = ['user_input', 'cookies', 'display_and_wait', 'complete', ...(legacy ? [] : ['webauthn'])];
    let err: RespError | undefined;
    if (step.type === 'webauthn' && failOnWebauthn && !legacy) err = errors.webauthnUnsupported();
    else if (!allowed.includes(step.type)) err = toRespError(new Error(`unexpected step type ${step.type}`), 'Internal error in login step', legacy);
    if (err) {
      if (!legacy) proc.err = err;
      this.#destroy(proc, new Error('step failed'));
      return { err };
    }
    const wire: WireStep = { login_id: proc.id, ...step, ...(this.options.txn && { txn_id: `bls_${xid()}` }) };
    proc.prev = proc.next;
    proc.next = wire;
    proc.started = false;
    proc.execution = undefined;
    if (step.type === 'complete') {
      const loginID = step.complete?.user_login_id;
      // A re-login that ended on another remote account replaces the old login (LOGIN_OVERRIDDEN).
      if (proc.overrideLoginID !== undefined && proc.overrideLoginID !== loginID) this.options.logins.delete(proc.overrideLoginID);
      // Before v0.26.3 a completed process stays: sending its last step again is M_BAD_STATE.
      if (!this.options.keepsFinished) this.#remove(proc);
    }
    return { ok: wire };
  }

  async #attach(proc: FakeProcess, res: ServerResponse, result: Promise<Result>): Promise<Result> {
    proc.attached.add(res);
    const onClose = (): void => void proc.attached.delete(res);
    res.once('close', onClose);
    this.events.emit('attached', proc.id);
    try {
      return await result;
    } finally {
      proc.attached.delete(res);
      res.off('close', onClose);
    }
  }

  #expire(proc: FakeProcess): void {
    proc.expired = true;
    this.#destroy(proc, new Error('context deadline exceeded'));
  }

  #destroy(proc: FakeProcess, reason: Error): void {
    if (!proc.ctrl.signal.aborted) {
      proc.ctrl.abort(reason);
      proc.connector.cancel();
    }
    this.#remove(proc);
  }

  #remove(proc: FakeProcess): void {
    proc.removed = true;
    proc.timer?.cancel();
    if (this.processes.get(proc.id) === proc) this.processes.delete(proc.id);
  }
}

/** A 20-character id in the alphabet of Go's xid (base32hex, lower case). */
export function xid(): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  return [...randomBytes(20)].map((b) => alphabet[b % 32]).join('');
}
