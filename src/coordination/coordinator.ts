/**
 * @module coordination
 * Who drives a running session, and how the others hear of its changes (api.md §11). One
 * process on SQLite drives every session and hears of every change in memory
 * ({@link LocalCoordinator}); several instances on one PostgreSQL database take a lease on each
 * session they drive and tell each other of changes with `NOTIFY` (`./pg.ts`).
 */
import type { MaybePromise } from '../sessions/maybe-promise.ts';

/** What the service hears from other instances. */
export interface CoordinatorHooks {
  /** Session `id` was changed and saved (by any instance, this one too). */
  changed(id: string): void;
  /** Another instance asks this one to give up session `id` (to run a submission on it). */
  yieldRequested(id: string): void;
  /** This instance held the lease on `id` and lost it (another instance took the session over). */
  leaseLost(id: string): void;
}

export interface Coordinator {
  /** This instance (a random UUID per process). */
  readonly instanceID: string;
  /**
   * Whether other instances share the store: a session not held here may be running on one of
   * them, and is read from the store. False for the single process on SQLite.
   */
  readonly shared: boolean;
  /**
   * Take the lease on session `id` so that this instance drives it: true when this instance
   * holds it now, false when another does and its lease has not run out. The single process
   * always holds it, at once (no promise).
   */
  lease(id: string): MaybePromise<boolean>;
  /** This instance took the lease on `id` by saving it (a new session, one taken over): renew it. */
  adopt(id: string): void;
  /** Stop renewing the lease on session `id` (it finished: its save cleared the lease). */
  release(id: string): void;
  /** Give the lease on `id` up now, so that another instance may take the session at once. */
  yieldLease(id: string): Promise<void>;
  /** Ask whichever instance drives `id` to give it up (see {@link CoordinatorHooks.yieldRequested}). */
  requestYield(id: string): Promise<void>;
  /** Session `id` changed: tell the other instances once the change is saved. */
  changed(id: string): void;
  /** Hear from the other instances (the service, once). */
  attach(hooks: CoordinatorHooks): void;
  /**
   * Run `task` here unless another instance runs the same one now (expiry and retention
   * sweeps run once, not once per instance); resolves with whether it ran here.
   */
  runOnce(name: string, task: () => Promise<void>): Promise<boolean>;
  /** Start (before sessions are restored): listen for changes and renew leases. */
  start(): Promise<void>;
  /** Stop: give up every lease and stop listening. */
  close(): Promise<void>;
}
