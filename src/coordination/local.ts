/**
 * The single-process {@link Coordinator} (SQLite): this process drives every session and its
 * watchers hear of every change in memory, so leases are always held and there is nobody else
 * to tell. It does exactly what the server did before there were several instances.
 */
import { randomUUID } from 'node:crypto';
import type { Coordinator, CoordinatorHooks } from './coordinator.ts';

export class LocalCoordinator implements Coordinator {
  readonly shared = false;

  constructor(readonly instanceID: string = randomUUID()) {}

  lease(id: string): true {
    void id;
    return true;
  }

  adopt(id: string): void {
    void id;
  }

  release(id: string): void {
    void id;
  }

  async yieldLease(id: string): Promise<void> {
    void id;
  }

  /** Nobody else drives a session: never called by the service here. */
  async requestYield(id: string): Promise<void> {
    void id;
  }

  changed(id: string): void {
    void id;
  }

  /** Nobody else changes sessions: the hooks are never called. */
  attach(hooks: CoordinatorHooks): void {
    void hooks;
  }

  async runOnce(name: string, task: () => Promise<void>): Promise<boolean> {
    void name;
    await task();
    return true;
  }

  async start(): Promise<void> {}

  async close(): Promise<void> {}
}
