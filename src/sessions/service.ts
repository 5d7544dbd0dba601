/**
 * The login-session service: the I/O around the pure state machine. It starts login processes
 * on bridges, runs submissions one at a time per session, waits on `display_and_wait` steps in
 * the background, expires and forgets sessions on the clock, persists every change, and lets
 * long-polls and event streams watch a session.
 */
import { setMaxListeners } from 'node:events';
import type { Clock } from '../clock.ts';
import { ApiError, MESSAGES, notFound } from '../errors.ts';
import type { BridgeRegistry } from '../bridges/registry.ts';
import { bridgeError, unreachable } from '../bridges/errors.ts';
import { BridgeUnavailableError, type Bridge, type LoginProcess, type StepOutcome } from '../bridges/types.ts';
import type { LoginService } from '../logins/service.ts';
import type { SessionStore } from '../store/sessions.ts';
import * as machine from './machine.ts';
import { LiveSession } from './live.ts';
import { DeadlineQueue } from './deadline-queue.ts';
import { scrubValue } from './scrub.ts';
import { FAILED_PROCESS, bridgeFailure } from './failures.ts';
import { isFinished, type CompleteStep, type Session } from './model.ts';
import { randomID } from './ids.ts';
import { submit, type SubmissionHost, type SubmitRequest } from './submissions.ts';

export type { SubmitRequest } from './submissions.ts';

export interface SessionLimits {
  /** An unfinished session fails with `session_expired` this long after creation. */
  ttlMs: number;
  /** A finished session stays readable this long, then answers 404. */
  retentionMs: number;
  /** Most sessions active at once; above it, create answers 429. */
  maxActive: number;
  /** Longest a `display_and_wait` submit waits for a change. */
  longPollMs: number;
}

export interface SessionServiceOptions {
  clock: Clock;
  store: SessionStore;
  logins: LoginService;
  bridges: BridgeRegistry;
  limits: SessionLimits;
  /** Opaque session IDs (default: 128 random bits, base64url). */
  newID?: () => string;
  onError?: (err: unknown, context: string) => void;
}

export interface CreateRequest {
  flowID?: string;
  loginID?: string;
  accountID?: string;
}

export class SessionService {
  private readonly live = new Map<string, LiveSession>();
  private activeCount = 0;
  private starting = 0;
  private closed = false;
  /** Aborts every start still waiting for a bridge's first step, on close (one for all: a
   * controller per create cost a measurable share of a login). */
  private readonly stopping = new AbortController();
  private readonly clock: Clock;
  private readonly limits: SessionLimits;
  private readonly newID: () => string;
  /** Unfinished sessions by expiry, and finished ones by the end of their retention: one timer each. */
  private readonly expiries: DeadlineQueue<LiveSession>;
  private readonly retentions: DeadlineQueue<LiveSession>;
  /** What submissions (./submissions.ts) use of this service. */
  private readonly submissions: SubmissionHost;

  constructor(private readonly opts: SessionServiceOptions) {
    this.clock = opts.clock;
    this.limits = opts.limits;
    this.newID = opts.newID ?? randomID;
    this.expiries = new DeadlineQueue(this.clock, (live) => this.expire(live), (err) => this.opts.onError?.(err, 'expiring a login session'));
    this.retentions = new DeadlineQueue(this.clock, (live) => this.forget(live), (err) => this.opts.onError?.(err, 'forgetting a login session'));
    // Every concurrent start listens on this one signal.
    setMaxListeners(0, this.stopping.signal);
    this.submissions = {
      clock: this.clock,
      longPollMs: this.limits.longPollMs,
      closing: () => this.closed,
      find: (bridgeID, id) => this.find(bridgeID, id),
      apply: (live, outcome, stepID, secrets) => void this.applyOutcome(live, this.opts.bridges.get(live.session.bridgeID), outcome, stepID, secrets),
      saveReply: (sessionID, key, json) => {
        try {
          this.opts.store.saveReply(sessionID, key, json);
        } catch (err) {
          this.opts.onError?.(err, 'saving an idempotent reply');
        }
      },
    };
  }

  /** Number of sessions that are not finished. */
  get active(): number {
    return this.activeCount;
  }

  /** Longest a `display_and_wait` submit waits for a change. */
  get longPollMs(): number {
    return this.limits.longPollMs;
  }

  /** Number of sessions held in memory (active and retained). */
  get size(): number {
    return this.live.size;
  }

  // ---- reading ---------------------------------------------------------------------------

  /** The live session, after applying expiry and retention; 404 when unknown or forgotten. */
  private find(bridgeID: string, id: string): LiveSession {
    const live = this.live.get(id);
    if (!live || live.session.bridgeID !== bridgeID) throw notFound(`login session "${id}"`);
    const now = this.clock.now();
    if (!isFinished(live.session) && now >= live.session.expiresAt) this.expire(live);
    const f = live.session.finishedAt;
    if (f !== undefined && now >= f + this.limits.retentionMs) {
      this.forget(live);
      throw notFound(`login session "${id}"`);
    }
    return live;
  }

  /** The session's wire JSON. */
  get(bridgeID: string, id: string): string {
    return this.find(bridgeID, id).json;
  }

  /** The live session, for streaming its changes. */
  watchable(bridgeID: string, id: string): LiveSession {
    return this.find(bridgeID, id);
  }

  // ---- create ----------------------------------------------------------------------------

  async create(bridgeID: string, req: CreateRequest): Promise<string> {
    if (this.closed) throw new ApiError('bridge_unavailable', MESSAGES.shutting_down);
    const bridge = this.opts.bridges.getEnabled(bridgeID);
    const reconnect = this.opts.logins.resolveReconnect(bridgeID, req.loginID, req.accountID);
    const d = bridge.descriptor;
    if (reconnect === undefined && d.maxLogins !== undefined && this.opts.logins.count(bridgeID) >= d.maxLogins) {
      throw new ApiError('login_limit_reached', `bridge "${bridgeID}" already has its maximum of ${d.maxLogins} login${d.maxLogins === 1 ? '' : 's'}`);
    }
    const flowID = await this.pickFlow(bridge, req.flowID);
    if (this.activeCount + this.starting >= this.limits.maxActive) {
      // A slot frees up when a session finishes, at the latest when the earliest one expires.
      const untilExpiry = (this.expiries.earliest ?? Infinity) - this.clock.now();
      const retryAfter = Math.max(1, Math.min(30, Math.ceil(untilExpiry / 1000)));
      throw new ApiError('rate_limited', `too many active login sessions (at most ${this.limits.maxActive}); finish or cancel one first`, undefined, {
        'retry-after': String(retryAfter),
      });
    }
    this.starting++;
    let started: { process: LoginProcess; first: StepOutcome };
    try {
      started = await bridge.startLogin({ flowID, ...(reconnect !== undefined ? { loginID: reconnect } : {}), signal: this.stopping.signal });
    } catch (err) {
      const known = bridgeError(bridgeID, err);
      if (known) throw known;
      if (this.stopping.signal.aborted) throw new ApiError('bridge_unavailable', MESSAGES.shutting_down);
      // Any other failure to start is a failed login, not an HTTP error (api.md §5).
      this.opts.onError?.(err, `starting a login on bridge "${bridgeID}"`);
      started = { process: FAILED_PROCESS, first: { kind: 'failed', error: bridgeFailure(err) } };
    } finally {
      this.starting--;
    }
    const now = this.clock.now();
    const placeholder = { type: 'user_input' as const, stepID: 'start', fields: [] };
    let session = machine.created({ id: this.newID(), bridgeID, flowID, loginID: reconnect, step: placeholder, now, ttlMs: this.limits.ttlMs });
    const live = new LiveSession(session);
    live.process = started.process;
    this.live.set(session.id, live);
    this.activeCount++;
    // applyOutcome records (and saves) the first step: the placeholder is never the final record.
    session = this.applyOutcome(live, bridge, started.first, undefined);
    if (!isFinished(session)) {
      live.timer = this.expiries.add(live, session.expiresAt);
    }
    return live.json;
  }

  private async pickFlow(bridge: Bridge, flowID: string | undefined): Promise<string> {
    let flows;
    try {
      flows = await bridge.flows();
    } catch (err) {
      if (!(err instanceof BridgeUnavailableError)) this.opts.onError?.(err, `listing the flows of bridge "${bridge.descriptor.id}"`);
      // Any failure to list the flows means the bridge cannot take a login now.
      throw unreachable(bridge.descriptor.id, err);
    }
    if (flowID === undefined) {
      const first = flows[0];
      if (!first) throw new ApiError('bridge_unavailable', `bridge "${bridge.descriptor.id}" offers no login flow right now`);
      return first.id;
    }
    if (!flows.some((f) => f.id === flowID)) {
      throw new ApiError('unknown_flow', `flow "${flowID}" is not one of bridge "${bridge.descriptor.id}"'s flows`, { flows: flows.map((f) => f.id) });
    }
    return flowID;
  }

  // ---- transitions -----------------------------------------------------------------------

  /**
   * Apply what the bridge answered; starts the background wait for a display step. `secrets`
   * are the secret values just submitted, if any: kept out of the stored resume state.
   */
  private applyOutcome(live: LiveSession, bridge: Bridge, outcome: StepOutcome, answered: string | undefined, secrets: readonly string[] = []): Session {
    const now = this.clock.now();
    const before = live.session;
    let next: Session;
    if (outcome.kind === 'step') {
      next = machine.stepShown(before, outcome.step, now, answered);
    } else if (outcome.kind === 'complete') {
      if (isFinished(before)) return before;
      // The login and the session it completed are written in one transaction: one commit
      // instead of two, and never one without the other.
      return this.opts.store.inTransaction(() => {
        const { account, login } = this.opts.logins.completed(bridge, outcome.login, before.loginID);
        const step: CompleteStep = { type: 'complete', ...(outcome.login.instructions ? { instructions: outcome.login.instructions } : {}), account, login };
        const completed = machine.completed(before, step, now, answered);
        this.commit(live, completed);
        return completed;
      });
    } else {
      next = machine.failed(before, outcome.error, now, answered);
    }
    this.commit(live, next, secrets);
    if (outcome.kind === 'step' && outcome.step.type === 'display_and_wait' && !isFinished(next)) this.waitInBackground(live, bridge);
    return next;
  }

  /**
   * Record a new state: memory, disk, then watchers (in that order: a watcher answers only once
   * what it reports is committed, and it can only wait for a write that has been made); release
   * resources on a terminal state.
   */
  private commit(live: LiveSession, next: Session, secrets: readonly string[] = []): void {
    if (next === live.session) return;
    const wasActive = !isFinished(live.session);
    live.update(next);
    if (wasActive && isFinished(next)) {
      this.activeCount--;
      live.release();
      live.timer?.cancel();
      live.timer = this.retentions.add(live, this.clock.now() + this.limits.retentionMs);
    }
    this.persist(live, secrets);
    live.notify();
  }

  private persist(live: LiveSession, secrets: readonly string[]): void {
    try {
      // A process's resume state may hold the bridge's last answer as the bridge sent it, before
      // scrubOutcome: a bridge that echoed a secret would have it stored.
      const state = isFinished(live.session) ? undefined : live.process?.resumeState?.();
      this.opts.store.save(live.session, state === undefined ? undefined : scrubValue(state, secrets), () => this.unsaved(live));
    } catch (err) {
      this.opts.onError?.(err, 'saving a login session');
    }
  }

  /**
   * This session's last writes were lost (their commit failed, and the client was answered with
   * an error): what memory shows can no longer be stood behind, so the session ends failed, which
   * the next commit saves. Answers kept for `Idempotency-Key`s may not have been saved: dropped.
   */
  private unsaved(live: LiveSession): void {
    if (this.live.get(live.session.id) !== live) return;
    const process = live.process;
    live.replies = new Map();
    this.commit(live, machine.unsaved(live.session, this.clock.now()));
    void process?.cancel().catch((err: unknown) => this.opts.onError?.(err, 'cancelling a login that could not be saved'));
  }

  /** Keep waiting on the bridge while a display step is shown, whether or not anyone watches. */
  private waitInBackground(live: LiveSession, bridge: Bridge): void {
    const process = live.process;
    if (!process || live.abort) return;
    const abort = new AbortController();
    live.abort = abort;
    const showsDisplay = (): boolean => !isFinished(live.session) && live.session.step?.type === 'display_and_wait';
    const loop = async (): Promise<void> => {
      try {
        while (!abort.signal.aborted && showsDisplay()) {
          let outcome: StepOutcome;
          try {
            outcome = await process.wait(abort.signal);
          } catch (err) {
            if (abort.signal.aborted) return;
            outcome = { kind: 'failed', error: bridgeFailure(err) };
          }
          if (abort.signal.aborted) return;
          // What the wait brought answers the display step (the scan, the code entered): a
          // long-poll retried after its answer was lost gets the session, not an error (§5 rule 1).
          this.applyOutcome(live, bridge, outcome, live.session.step?.stepID);
        }
      } finally {
        if (live.abort === abort) live.abort = undefined;
      }
    };
    loop().catch((err: unknown) => this.opts.onError?.(err, 'waiting on a bridge'));
  }

  private expire(live: LiveSession): void {
    if (isFinished(live.session)) return;
    const process = live.process;
    this.commit(live, machine.expiredIfDue(live.session, Math.max(this.clock.now(), live.session.expiresAt)));
    void process?.cancel().catch((err: unknown) => this.opts.onError?.(err, 'cancelling an expired login'));
  }

  private forget(live: LiveSession): void {
    live.timer?.cancel();
    if (this.live.get(live.session.id) === live) {
      this.live.delete(live.session.id);
      // Past its retention the row goes too, or the table would grow until the next restart.
      try {
        this.opts.store.delete(live.session.id);
      } catch (err) {
        this.opts.onError?.(err, 'deleting a forgotten login session');
      }
    }
    if (!isFinished(live.session)) this.activeCount--;
    live.release();
  }

  // ---- submit ----------------------------------------------------------------------------

  /** Submit to the session's current step (one at a time per session; see ./submissions.ts). */
  submit(bridgeID: string, id: string, req: SubmitRequest): Promise<string> {
    return submit(this.submissions, bridgeID, id, req);
  }

  // ---- cancel ----------------------------------------------------------------------------

  cancel(bridgeID: string, id: string): { bridgeID: string; loginSessionID: string; status: 'cancelled' } {
    const live = this.find(bridgeID, id);
    const result = machine.cancelled(live.session, this.clock.now());
    if (result instanceof ApiError) throw result;
    const process = live.process;
    this.commit(live, result);
    void process?.cancel().catch((err: unknown) => this.opts.onError?.(err, 'cancelling a login'));
    return { bridgeID, loginSessionID: id, status: 'cancelled' };
  }

  // ---- restart and shutdown --------------------------------------------------------------

  /**
   * Load stored sessions after a start: finished ones stay readable for their retention;
   * unfinished ones are resumed where the bridge can, else failed `session_interrupted`.
   */
  async restore(): Promise<{ resumed: number; interrupted: number }> {
    const now = this.clock.now();
    this.opts.store.deleteFinishedBefore(now - this.limits.retentionMs);
    const replies = this.opts.store.loadReplies();
    let resumed = 0;
    let interrupted = 0;
    // Finished sessions first, in the order their retention ends (so that each deadline is
    // added at the end of its queue), then the unfinished ones in the order they were created.
    const stored = this.opts.store.loadAll();
    const finished = stored.filter((s) => isFinished(s.session)).sort((a, b) => a.session.finishedAt! - b.session.finishedAt!);
    for (const { session, bridgeState } of [...finished, ...stored.filter((s) => !isFinished(s.session))]) {
      const live = new LiveSession(session);
      const stored = replies.get(session.id);
      if (stored) live.replies = new Map(stored);
      this.live.set(session.id, live);
      if (isFinished(session)) {
        live.timer = this.retentions.add(live, session.finishedAt! + this.limits.retentionMs);
        continue;
      }
      this.activeCount++;
      if (now >= session.expiresAt) {
        this.commit(live, machine.expiredIfDue(session, now));
        continue;
      }
      const bridge = this.opts.bridges.find(session.bridgeID);
      const step = session.step;
      let process: LoginProcess | undefined;
      if (bridge?.resumeLogin && bridgeState !== undefined && step && step.type !== 'complete') {
        try {
          process = await bridge.resumeLogin(bridgeState, step);
        } catch (err) {
          this.opts.onError?.(err, 'resuming a login session');
        }
      }
      if (!process || !bridge) {
        interrupted++;
        this.commit(live, machine.failed(session, machine.INTERRUPTED_ERROR, now));
        continue;
      }
      resumed++;
      live.process = process;
      live.timer = this.expiries.add(live, session.expiresAt);
      if (step?.type === 'display_and_wait') this.waitInBackground(live, bridge);
    }
    return { resumed, interrupted };
  }

  /**
   * Stop: end every background wait and timer and release every watcher. Unfinished sessions
   * stay stored as they are, so that the next start resumes or interrupts them.
   */
  close(): void {
    this.closed = true;
    this.stopping.abort();
    for (const live of this.live.values()) {
      live.timer?.cancel();
      const process = live.process;
      live.abort?.abort();
      live.abort = undefined;
      // A login a bridge cannot resume after a restart is lost anyway: stop it and its timers.
      // One it can resume stays alive on the bridge for the next start to pick up.
      if (process && !this.opts.bridges.find(live.session.bridgeID)?.resumeLogin) {
        void process.cancel().catch((err: unknown) => this.opts.onError?.(err, 'stopping a login at shutdown'));
      }
      live.end();
    }
    this.live.clear();
  }
}
