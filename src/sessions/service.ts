/**
 * The login-session service: what routes call. It creates sessions (within the limits), answers
 * reads, submissions and cancels for the caller, restores stored sessions at start and stops
 * them at shutdown. The parts it wires together, by lifetime:
 * - `table.ts`: the unfinished sessions in memory and their expiry; `retained.ts`: finished ones,
 *   read from the store until their retention ends (the server's life);
 * - `recorder.ts`: transitions, their saving, background waits, expiry (each session's life);
 * - `submissions.ts`: one submission at a time per session (each request's life);
 * - `restore.ts`: loading and resuming stored sessions (start-up only).
 */
import { setMaxListeners } from 'node:events';
import type { Clock } from '../clock.ts';
import { ApiError, MESSAGES, notFound } from '../errors.ts';
import { actingUserID, principalKey, type Principal } from '../principal.ts';
import type { BridgeRegistry } from '../bridges/registry.ts';
import { bridgeError } from '../bridges/errors.ts';
import type { LoginProcess, StepOutcome } from '../bridges/types.ts';
import type { LoginService } from '../logins/service.ts';
import type { SessionStorage } from '../store/storage.ts';
import * as machine from './machine.ts';
import { LiveSession, type SessionFeed } from './live.ts';
import { SessionTable } from './table.ts';
import { SessionRecorder } from './recorder.ts';
import { restoreSessions, type RestoreDeps } from './restore.ts';
import { Elsewhere } from './elsewhere.ts';
import { nextChange } from './long-poll.ts';
import { FAILED_PROCESS, bridgeFailure } from './failures.ts';
import { toJSON } from './view.ts';
import { randomID } from './ids.ts';
import { submit, submitSettled, type SubmissionDeps, type SubmitRequest } from './submissions.ts';
import { isFinished, type Session } from './model.ts';
import { personalCapReached, serverCapReached } from './caps.ts';
import { PLACEHOLDER, cancelResult, settledFeed, type CancelResult } from './answers.ts';
import { pickFlow } from './flows.ts';

export type { CancelResult } from './answers.ts';
import { then, type MaybePromise } from './maybe-promise.ts';
import { createSubmissionDigest } from './submission-digest.ts';
import type { Coordinator } from '../coordination/coordinator.ts';
import { LocalCoordinator } from '../coordination/local.ts';

export type { SubmitRequest } from './submissions.ts';

export interface SessionLimits {
  /** An unfinished session fails with `session_expired` this long after creation. */
  ttlMs: number;
  /** A finished session stays readable this long, then answers 404. */
  retentionMs: number;
  /** Most finished sessions kept (the oldest is forgotten first); unbounded when absent. */
  maxRetained?: number;
  /** Most sessions active at once; above it, create answers 429. */
  maxActive: number;
  /** Most sessions one Matrix user may have active at once (api.md §10); 20 when left out. */
  maxActivePerUser?: number;
  /** Longest a `display_and_wait` submit waits for a change. */
  longPollMs: number;
}

export interface SessionServiceOptions {
  clock: Clock;
  store: SessionStorage;
  logins: LoginService;
  bridges: BridgeRegistry;
  limits: SessionLimits;
  /** Leases and change events across instances; the single process's by default. */
  coordinator?: Coordinator;
  /** How often sessions whose instance died are looked for, with several instances (ms; 5 s by default). */
  sweepMs?: number;
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
  private starting = 0;
  /** Sessions being started, per Matrix user (the per-person cap counts them too). */
  private readonly startingFor = new Map<string, number>();
  /** Aborts every start still waiting for a bridge's first step, and running submissions'
   * fate, on close (one for all: a controller per create costs; see docs/benchmarks.md). */
  private readonly stopping = new AbortController();
  private readonly clock: Clock;
  private readonly limits: SessionLimits;
  private readonly newID: () => string;
  private readonly onError: (err: unknown, context: string) => void;
  private readonly table: SessionTable;
  private readonly recorder: SessionRecorder;
  private readonly submissions: SubmissionDeps;
  private readonly coordinator: Coordinator;
  /** Sessions other instances drive (only when the store is shared). */
  private readonly elsewhere?: Elsewhere;

  constructor(private readonly opts: SessionServiceOptions) {
    this.clock = opts.clock;
    this.limits = opts.limits;
    this.newID = opts.newID ?? randomID;
    this.onError = opts.onError ?? (() => {});
    this.coordinator = opts.coordinator ?? new LocalCoordinator();
    this.table = new SessionTable({
      clock: this.clock,
      retentionMs: this.limits.retentionMs,
      ...(this.limits.maxRetained !== undefined ? { maxRetained: this.limits.maxRetained } : {}),
      onExpiry: (live) => this.recorder.expire(live),
      onRetentionEnd: (id) => this.recorder.forget(id),
      onError: this.onError,
    });
    this.recorder = new SessionRecorder({ clock: this.clock, store: opts.store, logins: opts.logins, bridges: opts.bridges, table: this.table, coordinator: this.coordinator, onError: this.onError });
    if (this.coordinator.shared) {
      this.elsewhere = new Elsewhere({
        clock: this.clock,
        store: opts.store,
        coordinator: this.coordinator,
        table: this.table,
        restore: this.restoreDeps(),
        sweepMs: opts.sweepMs ?? 5000,
        onError: this.onError,
      });
    }
    // Every concurrent start listens on this one signal.
    setMaxListeners(0, this.stopping.signal);
    this.submissions = {
      clock: this.clock,
      longPollMs: this.limits.longPollMs,
      stopping: this.stopping.signal,
      recorder: this.recorder,
      digest: createSubmissionDigest(),
    };
  }

  /** Number of sessions that are not finished. */
  get active(): number {
    return this.table.active;
  }

  /** Longest a `display_and_wait` submit waits for a change. */
  get longPollMs(): number {
    return this.limits.longPollMs;
  }

  /** Number of sessions held in memory: the unfinished ones (finished ones are read from the store). */
  get size(): number {
    return this.table.size;
  }

  /** Number of finished sessions still readable (from the store) until their retention ends. */
  get retained(): number {
    return this.table.retained.size;
  }

  /**
   * Call `callback` once every change made so far is saved (`true`), or lost (`false`): the
   * hook that holds an answer until what it reports survives a crash.
   */
  whenSaved(callback: (saved: boolean) => void): void {
    this.opts.store.whenSaved(callback);
  }

  // ---- reading ---------------------------------------------------------------------------

  /**
   * The session's wire JSON. A read changes nothing: a session whose expiry has come but
   * whose deadline has not fired yet reads as the expiry will record it. A finished session
   * is read from the store.
   */
  readJSON(principal: Principal, bridgeID: string, id: string): MaybePromise<string> {
    const live = this.table.find(principal, bridgeID, id);
    if (!live) return then(this.stored(principal, bridgeID, id), (s) => toJSON(machine.expiredIfDue(s, this.clock.now())));
    const now = this.clock.now();
    if (now >= live.session.expiresAt) return toJSON(machine.expiredIfDue(live.session, now));
    return live.json;
  }

  /** The changes of a session held here (unfinished); 404 for any other. */
  feed(principal: Principal, bridgeID: string, id: string): SessionFeed {
    const live = this.table.find(principal, bridgeID, id);
    if (!live) throw notFound(`login session "${id}"`);
    return live;
  }

  /** The session's changes, for an event stream: a finished one's, from the store, end at once. */
  watch(principal: Principal, bridgeID: string, id: string): MaybePromise<SessionFeed> {
    return (
      this.table.find(principal, bridgeID, id) ??
      then(this.stored(principal, bridgeID, id), (s) => (isFinished(s) || !this.elsewhere ? settledFeed(s) : this.elsewhere.feeds.feed(s)))
    );
  }

  /**
   * A session not held here, from the store: one still within its retention, as `principal`
   * may see it, else 404 (another principal's session reads exactly like an unknown one).
   */
  private stored(principal: Principal, bridgeID: string, id: string): MaybePromise<Session> {
    // Alone, this process knows every session (held or retained): an unknown ID costs no read.
    if (!this.elsewhere && !this.table.retained.has(id)) throw notFound(`login session "${id}"`);
    return then(this.opts.store.read(id), (s) => {
      if (!s || s.bridgeID !== bridgeID || (s.owner ?? '') !== principalKey(principal)) throw notFound(`login session "${id}"`);
      if (s.finishedAt !== undefined && this.clock.now() >= s.finishedAt + this.limits.retentionMs) throw notFound(`login session "${id}"`);
      return s;
    });
  }

  /** How many sessions a Matrix user has active now (`GET /v1/users`). */
  activeOf(userID: string): number {
    return this.table.activeOf(userID);
  }

  // ---- create ----------------------------------------------------------------------------

  async create(principal: Principal, bridgeID: string, req: CreateRequest): Promise<string> {
    if (this.stopping.signal.aborted) throw new ApiError('bridge_unavailable', MESSAGES.shutting_down);
    const bridge = this.opts.bridges.getEnabled(bridgeID);
    const reconnect = await this.opts.logins.resolveReconnect(principal, bridgeID, req.loginID, req.accountID);
    const d = bridge.descriptor;
    // Before the bridge is asked: the count is ours, so a down bridge answers 403 (no retry can
    // help), not a 503 that retrying clients would repeat only to meet the same 403 later.
    if (reconnect === undefined && d.maxLogins !== undefined && (await this.opts.logins.count(principal, bridgeID)) >= d.maxLogins) {
      throw new ApiError('login_limit_reached', `bridge "${bridgeID}" already has its maximum of ${d.maxLogins} login${d.maxLogins === 1 ? '' : 's'}`);
    }
    const flowID = await pickFlow(bridge, req.flowID, this.onError);
    const owner = actingUserID(principal);
    const store = this.opts.store;
    let reserved: Session | undefined;
    if (this.elsewhere && store.reserve) {
      // Several instances: the caps count every instance's sessions, in the database.
      const now = this.clock.now();
      reserved = machine.created({ id: this.newID(), ...(owner !== undefined ? { owner } : {}), bridgeID, flowID, loginID: reconnect, step: PLACEHOLDER, now, ttlMs: this.limits.ttlMs });
      const verdict = await store.reserve(reserved, { maxActive: this.limits.maxActive, maxActivePerUser: this.limits.maxActivePerUser ?? 20 });
      if (verdict === 'user') throw personalCapReached(this.limits.maxActivePerUser ?? 20);
      if (verdict === 'global') throw serverCapReached(this.limits.maxActive, 30);
    } else {
      // A person's own cap (api.md §10); the owner is held only by the server-wide one.
      if (owner !== undefined && this.table.activeOf(owner) + (this.startingFor.get(owner) ?? 0) >= (this.limits.maxActivePerUser ?? 20)) {
        throw personalCapReached(this.limits.maxActivePerUser ?? 20);
      }
      if (this.table.active + this.starting >= this.limits.maxActive) {
        // A slot frees up when a session finishes, at the latest when the earliest one expires.
        const untilExpiry = (this.table.earliestExpiry ?? Infinity) - this.clock.now();
        throw serverCapReached(this.limits.maxActive, Math.max(1, Math.min(30, Math.ceil(untilExpiry / 1000))));
      }
    }
    this.starting++;
    if (owner !== undefined) this.startingFor.set(owner, (this.startingFor.get(owner) ?? 0) + 1);
    let started: { process: LoginProcess; first: StepOutcome };
    try {
      started = await bridge.startLogin({
        flowID,
        ...(reconnect !== undefined ? { loginID: reconnect } : {}),
        ...(owner !== undefined ? { actingUserID: owner } : {}),
        signal: this.stopping.signal,
      });
    } catch (err) {
      const known = bridgeError(bridgeID, err);
      // The reserved row goes: this session never started.
      if (known && reserved) store.delete(reserved.id);
      if (known) throw known;
      if (this.stopping.signal.aborted) throw new ApiError('bridge_unavailable', MESSAGES.shutting_down);
      // Any other failure to start is a failed login, not an HTTP error (api.md §5).
      this.onError(err, `starting a login on bridge "${bridgeID}"`);
      started = { process: FAILED_PROCESS, first: { kind: 'failed', error: bridgeFailure(err) } };
    } finally {
      this.starting--;
      if (owner !== undefined) {
        const n = (this.startingFor.get(owner) ?? 1) - 1;
        if (n === 0) this.startingFor.delete(owner);
        else this.startingFor.set(owner, n);
      }
    }
    const session = reserved ?? machine.created({ id: this.newID(), ...(owner !== undefined ? { owner } : {}), bridgeID, flowID, loginID: reconnect, step: PLACEHOLDER, now: this.clock.now(), ttlMs: this.limits.ttlMs });
    const live = new LiveSession(session);
    live.attach(started.process);
    this.table.addActive(live);
    // Its first save takes its lease: this instance drives it.
    this.coordinator.adopt(live.session.id);
    // The first step is recorded (and saved) at once: the placeholder is never the final record.
    this.recorder.apply(live, started.first, undefined, [], bridge);
    if (!live.finished) this.table.scheduleExpiry(live);
    return live.json;
  }

  // ---- submit and cancel -----------------------------------------------------------------

  /** Submit to the session's current step (one at a time per session; see ./submissions.ts). */
  submit(principal: Principal, bridgeID: string, id: string, req: SubmitRequest): Promise<string> {
    try {
      const live = this.table.find(principal, bridgeID, id);
      if (live) return submit(this.submissions, live, req);
      return Promise.resolve(then(this.stored(principal, bridgeID, id), (session) => this.submitStored(principal, session, req)));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Submit to a session not held here: a finished one (from the store), or one driven elsewhere. */
  private submitStored(principal: Principal, session: Session, req: SubmitRequest): MaybePromise<string> {
    const key = req.idempotencyKey;
    return then(key === undefined ? undefined : this.opts.store.readReply(session.id, key), (kept) => {
      if (kept !== undefined) return kept;
      const elsewhere = this.elsewhere;
      if (!elsewhere || isFinished(session)) return submitSettled(this.submissions, session, this.table.retained.answered(session.id), req);
      const current = machine.expiredIfDue(session, this.clock.now());
      const decision = machine.decideSubmit(current, { stepID: req.stepID, type: req.type, ...(req.fields ? { fields: req.fields } : {}) });
      switch (decision.kind) {
        case 'replay':
          return toJSON(current);
        case 'error':
          throw decision.error;
        case 'wait':
          // A long-poll here wakes on the driver's NOTIFY.
          return nextChange(elsewhere.feeds.feed(current), this.clock, req.waitMs ?? this.limits.longPollMs, req.signal);
        case 'run':
          // Run here: take the session over, then decide again on what the driver left.
          // The driver may have answered this key meanwhile: its answer was saved before it yielded.
          return this.whenTakenOver(session.id, () =>
            then(key === undefined ? undefined : this.opts.store.readReply(session.id, key), (answer) => answer ?? this.submit(principal, session.bridgeID, session.id, req)),
          );
      }
    });
  }

  /** Take session `id` over from the instance driving it, then `then()`; 503 if it would not yield. */
  private async whenTakenOver<T>(id: string, next: () => MaybePromise<T>): Promise<T> {
    if (!(await this.elsewhere!.takeOver(id))) {
      throw new ApiError('bridge_unavailable', 'another instance is running this login session and did not hand it over in time; try again');
    }
    return next();
  }

  cancel(principal: Principal, bridgeID: string, id: string): MaybePromise<CancelResult> {
    const live = this.table.find(principal, bridgeID, id);
    if (!live) {
      return then(this.stored(principal, bridgeID, id), (s) => {
        // Driven elsewhere: taken over here, then cancelled here (the driver has stopped).
        if (this.elsewhere && !isFinished(s)) return this.whenTakenOver(id, () => this.cancel(principal, bridgeID, id));
        // A finished session changes no more: cancelling it again answers the same, else 410.
        return cancelResult(machine.cancelled(s, this.clock.now()), bridgeID, id);
      });
    }
    // A write: a session whose time is up expires first (and then cannot be cancelled).
    this.recorder.expireIfDue(live);
    const result = machine.cancelled(live.session, this.clock.now());
    if (result instanceof ApiError) throw result;
    const process = live.process;
    this.recorder.record(live, result);
    void process?.cancel().catch((err: unknown) => this.onError(err, 'cancelling a login'));
    return { bridgeID, loginSessionID: id, status: 'cancelled' };
  }

  // ---- restart and shutdown --------------------------------------------------------------

  /** Load stored sessions after a start (see ./restore.ts). */
  async restore(): Promise<{ resumed: number; interrupted: number }> {
    await this.coordinator.start();
    const restored = await restoreSessions(this.restoreDeps());
    // With several instances, sessions whose instance dies later are taken over by the sweep.
    this.elsewhere?.startSweeps();
    return restored;
  }

  private restoreDeps(): RestoreDeps {
    const { clock, bridges } = this.opts;
    return {
      clock,
      store: this.opts.store,
      bridges,
      table: this.table,
      recorder: this.recorder,
      retentionMs: this.limits.retentionMs,
      adopt: (id) => this.coordinator.adopt(id),
      onError: this.onError,
    };
  }

  /**
   * Stop: end every background wait and timer and release every watcher. Unfinished sessions
   * stay stored as they are, so that the next start resumes or interrupts them.
   */
  async close(): Promise<void> {
    this.stopping.abort();
    for (const live of this.table.values()) {
      const process = live.process;
      // A login a bridge cannot resume after a restart is lost anyway: stop it and its timers.
      // One it can resume stays alive on the bridge for the next start to pick up.
      if (process && (!process.resumeState || !this.opts.bridges.find(live.session.bridgeID)?.resumeLogin)) {
        void process.cancel().catch((err: unknown) => this.onError(err, 'stopping a login at shutdown'));
      }
      live.end();
    }
    this.table.clear();
    this.elsewhere?.close();
    await this.coordinator.close();
  }
}
