/**
 * Group commit: the writes made during one turn of the event loop share one transaction, which
 * is committed before the loop goes back to waiting for I/O (`setImmediate`). Every answer sent
 * while writes are pending waits for that commit (`whenDurable`), so a client is never told of a
 * change that a crash could still lose, and a burst of concurrent requests pays for one commit
 * (one WAL append, one round of file locks) instead of one each. If the commit fails (a full
 * disk, an I/O error), the answers that waited for it are told so instead of being sent.
 *
 * Reads on the same connection see the pending writes, so the server always reads its own
 * writes; other processes (the `token` command) see them once committed, like any transaction.
 */
import type { Db } from './db.ts';

export class GroupCommit {
  private pending = false;
  private waiting: ((committed: boolean) => void)[] = [];
  /** Told when this turn's writes are lost (its commit failed). */
  private lost: (() => void)[] = [];
  private readonly begin;
  private readonly commit;
  private readonly rollback;

  /** `onError` hears a failed commit; the writes of that turn are then lost. */
  constructor(
    private readonly db: Db,
    private readonly onError: (err: unknown) => void,
  ) {
    this.begin = db.prepare('BEGIN');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
  }

  /**
   * Call before a write: opens this turn's transaction if none is open. Inside a transaction
   * someone else opened (a migration, a command), the write simply belongs to that one.
   * `onLost` is called if this turn's commit fails and the write with it.
   */
  join(onLost?: () => void): void {
    if (!this.pending && !this.db.inTransaction) {
      this.begin.run();
      this.pending = true;
      setImmediate(this.flush);
    }
    if (onLost && this.pending) this.lost.push(onLost);
  }

  /** Commit this turn's writes now (the loop does it by itself; `close` calls it too). */
  readonly flush = (): void => {
    if (!this.pending) return;
    this.pending = false;
    const lost = this.lost;
    const waiting = this.waiting;
    this.lost = [];
    this.waiting = [];
    let committed = true;
    try {
      // A statement that failed with a disk or I/O error may have rolled the whole batch back.
      if (this.db.inTransaction) this.commit.run();
    } catch (err) {
      committed = false;
      this.onError(err);
      if (this.db.inTransaction) this.rollback.run();
      // Before anyone waiting hears of it, so that what they are answered with reflects the
      // loss. What these write now belongs to the next turn's commit.
      for (const fn of lost) {
        try {
          fn();
        } catch (e) {
          this.onError(e);
        }
      }
    }
    for (const resolve of waiting) resolve(committed);
  };

  /** Whether writes are waiting for this turn's commit. */
  get hasPending(): boolean {
    return this.pending;
  }

  /**
   * Run `fn` once every write made so far is committed (at once when none is pending), with
   * `false` if that commit failed and the writes are lost.
   */
  whenDurable(fn: (committed: boolean) => void): void {
    if (this.pending) this.waiting.push(fn);
    else fn(true);
  }
}
