/**
 * The in-memory side of one session: its current record and wire JSON, the bridge's login
 * process, the submission running now, answers by `Idempotency-Key`, the background wait on a
 * `display_and_wait` step, its deadline, and whoever is watching for the next change. Every
 * change goes through a method, so that what may change it is listed here.
 */
import type { TimerHandle } from '../clock.ts';
import type { LoginProcess } from '../bridges/types.ts';
import { isFinished, type Session } from './model.ts';
import { toJSON } from './view.ts';

export type ChangeListener = (live: SessionFeed) => void;

/** What a watcher (a long-poll, an event stream) may see of a live session. */
export interface SessionFeed {
  /** The wire JSON of the current record. */
  readonly json: string;
  /** Whether the current record is terminal. */
  readonly finished: boolean;
  /** True once the server stops: watchers must finish. */
  readonly ended: boolean;
  /** Number of watchers now. */
  readonly watcherCount: number;
  /** Watch changes; returns the function that stops watching. */
  watch(listener: ChangeListener): () => void;
}

/** A submission being executed, joined by duplicates (same step, same input). */
export interface RunningSubmission {
  readonly stepID: string;
  readonly input: Readonly<Record<string, string>>;
  readonly reply: Promise<string>;
}

// Thousands of these stay in memory at once: the map of replies and the set of watchers are
// made on first use (most sessions never get either), and the JSON is made when first read,
// so that a record replaced before anyone reads it is never serialized.
export class LiveSession implements SessionFeed {
  #session: Session;
  #json?: string;
  #process?: LoginProcess;
  #running?: RunningSubmission;
  #answered?: { stepID: string; digest: string };
  #replies?: Map<string, string | Promise<string>>;
  #waiting?: AbortController;
  #deadline?: TimerHandle;
  #listeners?: Set<ChangeListener>;
  #ended = false;

  constructor(session: Session) {
    this.#session = session;
  }

  get session(): Session {
    return this.#session;
  }

  get json(): string {
    return (this.#json ??= toJSON(this.#session));
  }

  get finished(): boolean {
    return isFinished(this.#session);
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** The bridge's login process, until the session finishes. */
  get process(): LoginProcess | undefined {
    return this.#process;
  }

  /** The submission being executed now, if any. */
  get running(): RunningSubmission | undefined {
    return this.#running;
  }

  /** Replace the record (serialized again when next read); watchers hear of it with {@link notify}. */
  update(session: Session): void {
    if (session === this.#session) return;
    this.#session = session;
    this.#json = undefined;
  }

  /** Drive this session with `process`. */
  attach(process: LoginProcess): void {
    this.#process = process;
  }

  /** Make `reply` the running submission until it settles. */
  run(stepID: string, input: Readonly<Record<string, string>>, reply: Promise<string>): Promise<string> {
    const settled = reply.finally(() => {
      if (this.#running?.reply === settled) this.#running = undefined;
    });
    this.#running = { stepID, input, reply: settled };
    return settled;
  }

  /** The step last answered by a submission, and that submission's keyed digest (memory only). */
  get answered(): { readonly stepID: string; readonly digest: string } | undefined {
    return this.#answered;
  }

  /** Record that the submission with `digest` answered `stepID`. */
  answeredBy(stepID: string, digest: string): void {
    this.#answered = { stepID, digest };
  }

  // ---- answers by Idempotency-Key --------------------------------------------------------

  /** The answer kept for `key` (a promise while the first request still runs). */
  reply(key: string): string | Promise<string> | undefined {
    return this.#replies?.get(key);
  }

  /** Keep an answer for `key`, forgetting the oldest past `max` keys. */
  keepReply(key: string, reply: string | Promise<string>, max = Infinity): void {
    const replies = (this.#replies ??= new Map());
    if (!replies.has(key) && replies.size >= max) replies.delete(replies.keys().next().value!);
    replies.set(key, reply);
  }

  dropReply(key: string): void {
    this.#replies?.delete(key);
  }

  /** Replace every kept answer (restored ones, or none after a lost write). */
  resetReplies(replies?: ReadonlyMap<string, string>): void {
    this.#replies = replies ? new Map(replies) : undefined;
  }

  // ---- background wait and deadline -------------------------------------------------------

  /** Start the background wait: its controller, or undefined when one runs or there is no process. */
  beginWait(): AbortController | undefined {
    if (!this.#process || this.#waiting) return undefined;
    return (this.#waiting = new AbortController());
  }

  /** The background wait started as `controller` has stopped. */
  endWait(controller: AbortController): void {
    if (this.#waiting === controller) this.#waiting = undefined;
  }

  /** Replace this session's deadline (its expiry, then the end of its retention). */
  setDeadline(deadline: TimerHandle | undefined): void {
    this.#deadline?.cancel();
    this.#deadline = deadline;
  }

  // ---- watchers --------------------------------------------------------------------------

  /** Tell every watcher about the current record. */
  notify(): void {
    if (this.#listeners) for (const l of [...this.#listeners]) l(this);
  }

  watch(listener: ChangeListener): () => void {
    const listeners = (this.#listeners ??= new Set());
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  get watcherCount(): number {
    return this.#listeners?.size ?? 0;
  }

  /** Stop the background wait and forget the process (after a terminal state). */
  release(): void {
    this.#waiting?.abort();
    this.#waiting = undefined;
    this.#process = undefined;
  }

  /** The server stops: cancel the deadline and the wait, tell every watcher, then drop them. */
  end(): void {
    this.#deadline?.cancel();
    this.#waiting?.abort();
    this.#waiting = undefined;
    this.#ended = true;
    if (this.#listeners) for (const l of [...this.#listeners]) l(this);
    this.#listeners?.clear();
  }
}
