/**
 * Sessions driven by another instance (several instances on PostgreSQL, api.md §11): their
 * watchers here wake on the coordinator's NOTIFY; a submission or cancel here takes the session
 * over (asking its driver to yield once its running submission is done, or at once when its
 * lease ran out) and resumes it like a restart does; a periodic sweep, on one instance at a
 * time, takes over sessions whose driver died and deletes those past retention. The single
 * process on SQLite never gets here.
 */
import type { Clock, TimerHandle } from '../clock.ts';
import type { Coordinator } from '../coordination/coordinator.ts';
import type { SessionStorage } from '../store/storage.ts';
import type { LiveSession } from './live.ts';
import { RemoteFeeds } from './remote.ts';
import { restoreSessions, resumeStored, type RestoreDeps } from './restore.ts';
import type { SessionTable } from './table.ts';

/**
 * Longest a submission here waits for the driving instance to yield the session: longer than
 * the default lease (15 s), so that the session of a driver that died is taken over meanwhile.
 */
export const HANDOFF_MS = 20_000;

/** How often the lease is tried again while waiting (a dead driver sends no notice). */
const RETRY_MS = 1000;

export interface ElsewhereDeps {
  clock: Clock;
  store: SessionStorage;
  coordinator: Coordinator;
  table: SessionTable;
  /** What resuming a session here needs (as at start). */
  restore: RestoreDeps;
  /** How often the takeover and retention sweep runs (ms). */
  sweepMs: number;
  onError: (err: unknown, context: string) => void;
}

export class Elsewhere {
  readonly feeds: RemoteFeeds;
  private readonly notices = new Map<string, Set<() => void>>();
  private sweep?: TimerHandle;
  private closed = false;

  constructor(private readonly deps: ElsewhereDeps) {
    this.feeds = new RemoteFeeds(async (id) => deps.store.read(id), deps.onError);
    deps.coordinator.attach({
      changed: (id) => this.changed(id),
      yieldRequested: (id) => this.yieldTo(id),
      leaseLost: (id) => this.lost(id),
    });
  }

  private changed(id: string): void {
    this.feeds.changed(id);
    const waiters = this.notices.get(id);
    if (waiters) for (const w of [...waiters]) w();
  }

  /** A promise of the next change of `id` heard (or `ms` passing), and how to stop waiting. */
  private nextNotice(id: string, ms: number): { heard: Promise<void>; cancel: () => void } {
    let waiters = this.notices.get(id);
    if (!waiters) this.notices.set(id, (waiters = new Set()));
    const set = waiters;
    let done!: () => void;
    const heard = new Promise<void>((resolve) => {
      done = (): void => {
        timer.cancel();
        set.delete(done);
        if (set.size === 0 && this.notices.get(id) === set) this.notices.delete(id);
        resolve();
      };
    });
    const timer = this.deps.clock.setTimeout(done, ms);
    set.add(done);
    return { heard, cancel: done };
  }

  /**
   * Take session `id` over to drive it here: at once when nobody holds its lease (or it ran
   * out), else once its driver yields it (after its running submission); when several
   * instances ask at once, each in turn. True when it is held here now, or finished (then
   * read from the store); false when no driver let it go within {@link HANDOFF_MS}.
   */
  async takeOver(id: string): Promise<boolean> {
    const { coordinator, clock } = this.deps;
    const deadline = clock.now() + HANDOFF_MS;
    for (;;) {
      const notice = this.nextNotice(id, Math.max(0, Math.min(RETRY_MS, deadline - clock.now())));
      if (await coordinator.lease(id)) {
        notice.cancel();
        break;
      }
      const current = await this.deps.store.read(id);
      if (!current || current.finishedAt !== undefined) {
        notice.cancel();
        return true;
      }
      if (clock.now() >= deadline) {
        notice.cancel();
        return false;
      }
      await coordinator.requestYield(id);
      await notice.heard;
    }
    const stored = await this.deps.store.readForResume(id);
    if (!stored) return false;
    await resumeStored(this.deps.restore, stored, undefined, clock.now());
    return true;
  }

  /** Another instance wants to run a submission on `id`: give it up once nothing runs here. */
  private yieldTo(id: string): void {
    const live = this.deps.table.get(id);
    if (!live) return;
    if (live.running) {
      const again = (): void => this.yieldTo(id);
      void live.running.reply.then(again, again);
      return;
    }
    // Once what it shows is saved, so that the next driver resumes from it.
    this.deps.store.whenSaved(() => {
      if (!this.letGo(live)) return;
      this.deps.coordinator.yieldLease(id).catch((err: unknown) => this.deps.onError(err, 'yielding a login session'));
    });
  }

  /** Another instance took `id` over (this one's lease ran out): stop driving it here. */
  private lost(id: string): void {
    const live = this.deps.table.get(id);
    if (live) this.letGo(live);
  }

  /**
   * Stop driving `live` here without ending the login: its process stays on the bridge for the
   * next driver to resume; watchers here are ended (a client reconnects and reads it anew).
   */
  private letGo(live: LiveSession): boolean {
    if (!this.deps.table.drop(live)) return false;
    live.release();
    live.end();
    return true;
  }

  /** Sweep now and every `sweepMs`: sessions whose driver died are taken over, old ones deleted. */
  startSweeps(): void {
    const run = (): void => {
      this.sweep = undefined;
      this.deps.coordinator
        .runOnce('takeover-and-retention', async () => void (await restoreSessions(this.deps.restore)))
        .catch((err: unknown) => this.deps.onError(err, 'sweeping login sessions'))
        .finally(() => {
          if (!this.closed) this.sweep = this.deps.clock.setTimeout(run, this.deps.sweepMs);
        });
    };
    this.sweep = this.deps.clock.setTimeout(run, this.deps.sweepMs);
  }

  close(): void {
    this.closed = true;
    this.sweep?.cancel();
    this.feeds.endAll();
    for (const waiters of this.notices.values()) for (const w of [...waiters]) w();
  }
}
