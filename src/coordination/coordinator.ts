/**
 * @module coordination
 * Who drives a running session, and how the others hear of its changes (api.md §11). One
 * process on SQLite drives every session and hears of every change in memory
 * ({@link LocalCoordinator}); several instances on one PostgreSQL database take a lease on each
 * session they drive and tell each other of changes with `NOTIFY` (`./pg.ts`).
 */
import type { MaybePromise } from '../sessions/maybe-promise.ts';

/** Hears that session `id` was changed (by another instance) and saved. */
export type ChangeListener = (id: string) => void;

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
  /** Give up the lease on session `id` (it finished, or this instance stops driving it). */
  release(id: string): void;
  /** Session `id` changed: tell the other instances once the change is saved. */
  changed(id: string): void;
  /** Hear of changes other instances made; returns the function that stops listening. */
  subscribe(listener: ChangeListener): () => void;
  /**
   * Run `task` here unless another instance runs the same one now (expiry and retention
   * sweeps run once, not once per instance); resolves with whether it ran here.
   */
  runOnce(name: string, task: () => Promise<void>): Promise<boolean>;
  /** Stop: give up every lease and stop listening. */
  close(): Promise<void>;
}
