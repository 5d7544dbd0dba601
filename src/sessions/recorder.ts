/**
 * Transitions and their recording, for the life of each session: what a bridge answered
 * becomes the next record (by the pure machine), which is kept in memory, saved, then told to
 * watchers; a `display_and_wait` step is waited on in the background; expiry and the end of
 * retention happen here when their deadline comes.
 */
import { principalFromKey } from '../principal.ts';
import type { Clock } from '../clock.ts';
import type { BridgeRegistry } from '../bridges/registry.ts';
import type { Bridge, StepOutcome } from '../bridges/types.ts';
import type { LoginService } from '../logins/service.ts';
import type { SessionStorage } from '../store/storage.ts';
import type { Coordinator } from '../coordination/coordinator.ts';
import * as machine from './machine.ts';
import type { LiveSession } from './live.ts';
import type { SessionTable } from './table.ts';
import { scrubValue } from './scrub.ts';
import { bridgeFailure } from './failures.ts';
import { isFinished, type CompleteStep, type Session } from './model.ts';

export interface RecorderDeps {
  clock: Clock;
  store: SessionStorage;
  logins: LoginService;
  bridges: BridgeRegistry;
  table: SessionTable;
  /** Told of every change (after which other instances hear of it) and of every finish. */
  coordinator: Coordinator;
  onError: (err: unknown, context: string) => void;
}

export class SessionRecorder {
  constructor(private readonly deps: RecorderDeps) {}

  /**
   * Apply what the bridge answered to step `answered`; starts the background wait for a display
   * step. `secrets` are the secret values just submitted, if any: kept out of the stored resume state.
   */
  apply(live: LiveSession, outcome: StepOutcome, answered: string | undefined, secrets: readonly string[] = [], bridge?: Bridge): Session {
    const now = this.deps.clock.now();
    const before = live.session;
    let next: Session;
    if (outcome.kind === 'step') {
      next = machine.stepShown(before, outcome.step, now, answered);
    } else if (outcome.kind === 'complete') {
      if (isFinished(before)) return before;
      const b = bridge ?? this.deps.bridges.get(before.bridgeID);
      // The login and the session it completed are saved together: one commit instead of
      // two, and never one without the other.
      return this.deps.store.inTransaction(() => {
        const { account, login } = this.deps.logins.completed(principalFromKey(before.owner ?? ''), b, outcome.login, before.loginID);
        const step: CompleteStep = { type: 'complete', ...(outcome.login.instructions ? { instructions: outcome.login.instructions } : {}), account, login };
        const completed = machine.completed(before, step, now, answered);
        this.record(live, completed);
        return completed;
      });
    } else {
      next = machine.failed(before, outcome.error, now, answered);
    }
    this.record(live, next, secrets);
    if (outcome.kind === 'step' && outcome.step.type === 'display_and_wait' && !isFinished(next)) this.waitInBackground(live, bridge);
    return next;
  }

  /**
   * Record a new state: memory, storage, then watchers (in that order: a watcher answers only
   * once what it reports is saved, and it can only wait for a write that has been made);
   * release resources on a terminal state.
   */
  record(live: LiveSession, next: Session, secrets: readonly string[] = []): void {
    if (next === live.session) return;
    const wasActive = !live.finished;
    live.update(next);
    const finished = wasActive && isFinished(next);
    if (finished) {
      live.release();
      this.deps.table.finished(live);
    }
    this.save(live, secrets);
    this.deps.coordinator.changed(next.id);
    // A finished session is driven no more: any instance may read it from the store.
    if (finished) this.deps.coordinator.release(next.id);
    live.notify();
  }

  private save(live: LiveSession, secrets: readonly string[]): void {
    try {
      // A process's resume state may hold the bridge's last answer as the bridge sent it, before
      // scrubOutcome: a bridge that echoed a secret would have it stored.
      const state = live.finished ? undefined : live.process?.resumeState?.();
      this.deps.store.save(live.session, state === undefined ? undefined : scrubValue(state, secrets), () => this.writeLost(live));
    } catch (err) {
      this.deps.onError(err, 'saving a login session');
    }
  }

  /**
   * This session's last writes were lost (the client was answered with an error): what memory
   * shows can no longer be stood behind, so the session ends failed, which the next write saves.
   * Answers kept for `Idempotency-Key`s may not have been saved: dropped.
   */
  private writeLost(live: LiveSession): void {
    // A session forgotten since (its retention ended) is not written again.
    if (!this.deps.table.holds(live) && !this.deps.table.retained.has(live.session.id)) return;
    const process = live.process;
    live.resetReplies();
    this.record(live, machine.writeLost(live.session, this.deps.clock.now()));
    void process?.cancel().catch((err: unknown) => this.deps.onError(err, 'cancelling a login that could not be saved'));
  }

  /** Store an answer given to an `Idempotency-Key`. */
  saveReply(sessionID: string, key: string, json: string): void {
    try {
      this.deps.store.saveReply(sessionID, key, json);
    } catch (err) {
      this.deps.onError(err, 'saving an idempotent reply');
    }
  }

  /** Keep waiting on the bridge while a display step is shown, whether or not anyone watches. */
  waitInBackground(live: LiveSession, bridge?: Bridge): void {
    const process = live.process;
    const abort = live.beginWait();
    if (!process || !abort) return;
    const showsDisplay = (): boolean => !live.finished && live.session.step?.type === 'display_and_wait';
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
          this.apply(live, outcome, live.session.step?.stepID, [], bridge);
        }
      } finally {
        live.endWait(abort);
      }
    };
    loop().catch((err: unknown) => this.deps.onError(err, 'waiting on a bridge'));
  }

  /** Fail an unfinished session whose time is up (its deadline came, or a write found it due). */
  expire(live: LiveSession): void {
    if (live.finished) return;
    const process = live.process;
    this.record(live, machine.expiredIfDue(live.session, Math.max(this.deps.clock.now(), live.session.expiresAt)));
    void process?.cancel().catch((err: unknown) => this.deps.onError(err, 'cancelling an expired login'));
  }

  /** Expire `live` if its time is up and its deadline has not fired yet. */
  expireIfDue(live: LiveSession): void {
    if (!live.finished && this.deps.clock.now() >= live.session.expiresAt) this.expire(live);
  }

  /** A finished session's retention ended: its row goes (it left memory when it finished). */
  forget(id: string): void {
    // Past its retention the row goes too, or the table would grow until the next restart.
    try {
      this.deps.store.delete(id);
    } catch (err) {
      this.deps.onError(err, 'deleting a forgotten login session');
    }
  }
}
