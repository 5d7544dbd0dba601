/**
 * Watchers of sessions another instance drives (PostgreSQL, api.md §11): a long-poll or an
 * event stream held here on a session running elsewhere hears its changes through the
 * coordinator's `NOTIFY`, and reads the new record from the store. A feed exists while it has
 * watchers.
 */
import type { Session } from './model.ts';
import { isFinished } from './model.ts';
import type { ChangeListener, SessionFeed } from './live.ts';
import { toJSON } from './view.ts';

class RemoteFeed implements SessionFeed {
  json: string;
  finished: boolean;
  ended = false;
  private readonly listeners = new Set<ChangeListener>();

  readonly id: string;

  constructor(
    session: Session,
    private readonly registry: RemoteFeeds,
  ) {
    this.id = session.id;
    this.json = toJSON(session);
    this.finished = isFinished(session);
  }

  get watcherCount(): number {
    return this.listeners.size;
  }

  update(next: Session): void {
    const json = toJSON(next);
    if (json === this.json) return;
    this.json = json;
    this.finished = isFinished(next);
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
    this.listeners.clear();
  }

  private notify(): void {
    for (const l of [...this.listeners]) l(this);
  }

  watch(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    this.registry.watched(this);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.registry.unwatched(this);
    };
  }
}

export class RemoteFeeds {
  private readonly feeds = new Map<string, RemoteFeed>();

  constructor(
    private readonly read: (id: string) => Promise<Session | undefined>,
    private readonly onError: (err: unknown, context: string) => void,
  ) {}

  /** A feed of `session` as just read (shared with the other watchers of the same session). */
  feed(session: Session): SessionFeed {
    const known = this.feeds.get(session.id);
    if (known) return known;
    return new RemoteFeed(session, this);
  }

  /** Session `id` changed somewhere: its watchers here hear the record saved. */
  changed(id: string): void {
    const feed = this.feeds.get(id);
    if (!feed) return;
    this.read(id).then(
      (s) => {
        if (s) feed.update(s);
      },
      (err: unknown) => this.onError(err, 'reading a changed login session'),
    );
  }

  /** Number of sessions watched here that another instance drives. */
  get size(): number {
    return this.feeds.size;
  }

  watched(feed: RemoteFeed): void {
    if (!this.feeds.has(feed.id)) this.feeds.set(feed.id, feed);
  }

  unwatched(feed: RemoteFeed): void {
    if (this.feeds.get(feed.id) === feed) this.feeds.delete(feed.id);
  }

  /** The server stops: every watcher finishes. */
  endAll(): void {
    for (const feed of [...this.feeds.values()]) feed.end();
    this.feeds.clear();
  }
}
