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

// Thousands of these stay in memory at once: the map of replies and the set of watchers are
// made on first use (most sessions never get either), and the JSON is made when first read,
// so that a record replaced before anyone reads it is never serialized.
export class LiveSession {
  session: Session;
  private cachedJSON?: string;
  /** Increases on every change; long-polls wait for it to move. */
  version = 0;
  process?: LoginProcess;
  /** The submission being executed, joined by duplicates (same step, same input). */
  running?: { stepID: string; input: Readonly<Record<string, string>>; reply: Promise<string> };
  private repliesByKey?: Map<string, string | Promise<string>>;
  /** Aborts the background wait on a `display_and_wait` step, or a start still running. */
  abort?: AbortController;
  timer?: TimerHandle;
  private listeners?: Set<ChangeListener>;

  constructor(session: Session) {
    this.session = session;
  }

  /** The wire JSON of `session`, serialized once per change. */
  get json(): string {
    return (this.cachedJSON ??= toJSON(this.session));
  }

  /** Answers by `Idempotency-Key` (a promise while the first request still runs). */
  get replies(): Map<string, string | Promise<string>> {
    return (this.repliesByKey ??= new Map());
  }

  set replies(replies: Map<string, string | Promise<string>>) {
    this.repliesByKey = replies;
  }

  /** Replace the record (serialized again when next read); watchers hear of it with {@link notify}. */
  update(session: Session): void {
    if (session === this.session) return;
    this.session = session;
    this.cachedJSON = undefined;
    this.version++;
  }

  /** Tell every watcher about the current record. */
  notify(): void {
    if (this.listeners) for (const l of [...this.listeners]) l(this);
  }

  /** Watch changes; returns the function that stops watching. */
  watch(listener: ChangeListener): () => void {
    const listeners = (this.listeners ??= new Set());
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  get watcherCount(): number {
    return this.listeners?.size ?? 0;
  }

  /** True once the server stops: watchers must finish. */
  ended = false;

  /** Tell every watcher that the server is stopping, then drop them. */
  end(): void {
    this.ended = true;
    if (this.listeners) for (const l of [...this.listeners]) l(this);
    this.listeners?.clear();
  }

  /** Stop the background wait and forget the process (after a terminal state). */
  release(): void {
    this.abort?.abort();
    this.abort = undefined;
    this.process = undefined;
  }
}
