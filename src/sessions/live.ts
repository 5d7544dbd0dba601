/**
 * The in-memory side of one session: its current record and wire JSON, the bridge's login
 * process, the submission running now, answers by `Idempotency-Key`, the background wait on a
 * `display_and_wait` step, and whoever is watching for the next change.
 */
import type { TimerHandle } from '../clock.ts';
import type { LoginProcess } from '../bridges/types.ts';
import type { Session } from './model.ts';
import { toJSON } from './view.ts';

export type ChangeListener = (live: LiveSession) => void;

export class LiveSession {
  session: Session;
  /** The wire JSON of `session`, serialized once per change. */
  json: string;
  /** Increases on every change; long-polls wait for it to move. */
  version = 0;
  process?: LoginProcess;
  /** The submission being executed, joined by duplicates. */
  running?: { stepID: string; reply: Promise<string> };
  /** Answers by `Idempotency-Key` (a promise while the first request still runs). */
  replies = new Map<string, string | Promise<string>>();
  /** Aborts the background wait on a `display_and_wait` step, or a start still running. */
  abort?: AbortController;
  timer?: TimerHandle;
  private listeners = new Set<ChangeListener>();

  constructor(session: Session) {
    this.session = session;
    this.json = toJSON(session);
  }

  /** Replace the record, re-serialize and tell every watcher. */
  update(session: Session): void {
    if (session === this.session) return;
    this.session = session;
    this.json = toJSON(session);
    this.version++;
    for (const l of [...this.listeners]) l(this);
  }

  /** Watch changes; returns the function that stops watching. */
  watch(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get watcherCount(): number {
    return this.listeners.size;
  }

  /** True once the server stops: watchers must finish. */
  ended = false;

  /** Tell every watcher that the server is stopping, then drop them. */
  end(): void {
    this.ended = true;
    for (const l of [...this.listeners]) l(this);
    this.listeners.clear();
  }

  /** Stop the background wait and forget the process (after a terminal state). */
  release(): void {
    this.abort?.abort();
    this.abort = undefined;
    this.process = undefined;
  }
}
