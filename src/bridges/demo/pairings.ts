/**
 * What the demo bridge's pages can complete: QR scan tokens and pairing codes, each pointing
 * at the login process waiting for it. In memory for one process; in the database (hashes only)
 * when several instances share it, so that a scan may reach any of them.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock, TimerHandle } from '../../clock.ts';
import type { DemoPairingStorage } from '../../store/storage.ts';

export type Completer = (username: string) => void;

/** A source of random bytes; `crypto.randomBytes` unless a test needs repeatable screens. */
export type RandomBytes = (size: number) => Buffer;

/** Crockford's base32 alphabet (no I, L, O, U): easy to read and to type. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A pairing code like `K7Q2-M9XD`. */
export function newPairingCode(random: RandomBytes = randomBytes): string {
  // 256 is a multiple of 32: each byte picks a letter without bias.
  const s = Array.from(random(8), (byte) => CROCKFORD[byte % CROCKFORD.length]).join('');
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

/** Normalise a typed code: case, spaces and dashes do not matter; O/I/L read as 0/1/1. */
export function normalizeCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

/** How often the instance driving a login looks for a scan that reached another instance. */
const POLL_MS = 250;

/** How long a shared token row may be kept before any instance deletes it. */
const SHARED_TTL_MS = 3_600_000;

/** The hash a token or code is kept under in the database, never the value itself. */
export const pairingHash = (kind: 'scan' | 'code', key: string): string => createHash('sha256').update(`${kind}:${key}`).digest('hex');

/** Where the tokens are shared across instances (PostgreSQL), and the clock to poll them on. */
export interface SharedPairings {
  store: DemoPairingStorage;
  clock: Clock;
  onError?: (err: unknown) => void;
}

/**
 * Scan tokens and pairing codes. In one process they live in memory. With `shared` (several
 * instances) their hashes are also in the database: a page on any instance claims one there,
 * and the instance driving the login takes the claim on its next poll.
 */
export class Pairings {
  private readonly scans = new Map<string, Completer>();
  private readonly codes = new Map<string, Completer>();
  private readonly watches = new Map<string, { complete: Completer; timer?: TimerHandle }>();

  constructor(
    private readonly random: RandomBytes = randomBytes,
    private readonly shared?: SharedPairings,
  ) {}

  /** A fresh one-time scan token for `complete`. */
  async addScan(complete: Completer): Promise<string> {
    const token = this.random(18).toString('base64url');
    if (this.shared) await this.watch(pairingHash('scan', token), complete, true);
    else this.scans.set(token, complete);
    return token;
  }

  removeScan(token: string): void {
    this.scans.delete(token);
    if (this.shared) this.unwatch(pairingHash('scan', token));
  }

  /** Use a scan token once; false when it is unknown, used or replaced. */
  async scan(token: string, username: string): Promise<boolean> {
    if (this.shared) return this.claim(pairingHash('scan', token), username);
    const complete = this.scans.get(token);
    if (!complete) return false;
    this.scans.delete(token);
    complete(username);
    return true;
  }

  async hasScan(token: string): Promise<boolean> {
    if (this.shared) return this.shared.store.has(pairingHash('scan', token));
    return this.scans.has(token);
  }

  async addCode(complete: Completer): Promise<string> {
    for (;;) {
      const code = newPairingCode(this.random);
      const key = normalizeCode(code);
      if (this.shared) {
        const hash = pairingHash('code', key);
        if (await this.shared.store.has(hash)) continue;
        await this.watch(hash, complete, true);
        return code;
      }
      if (!this.codes.has(key)) {
        this.codes.set(key, complete);
        return code;
      }
    }
  }

  removeCode(code: string): void {
    this.codes.delete(normalizeCode(code));
    if (this.shared) this.unwatch(pairingHash('code', normalizeCode(code)));
  }

  /** Enter a pairing code once; false when no login waits for it. */
  async link(code: string, username: string): Promise<boolean> {
    const key = normalizeCode(code);
    if (this.shared) return this.claim(pairingHash('code', key), username);
    const complete = this.codes.get(key);
    if (!complete) return false;
    this.codes.delete(key);
    complete(username);
    return true;
  }

  /**
   * Wait (again) for a shared token by its hash: a login resumed after its driver died keeps
   * waiting for the code that driver showed. `insert` keeps the hash first (a new token).
   */
  async watch(hash: string, complete: Completer, insert = false): Promise<void> {
    const shared = this.shared;
    if (!shared) return;
    if (insert) await shared.store.add(hash, shared.clock.now());
    this.watches.set(hash, { complete });
    this.schedule(hash);
  }

  /** Stop waiting for a shared token and delete it (and any long forgotten ones). */
  unwatch(hash: string): void {
    const shared = this.shared;
    if (!shared) return;
    this.watches.get(hash)?.timer?.cancel();
    this.watches.delete(hash);
    shared.store.remove(hash, shared.clock.now() - SHARED_TTL_MS).catch((err: unknown) => shared.onError?.(err));
  }

  /** Stop polling (shutdown), keeping the shared rows for whichever instance resumes the logins. */
  stop(): void {
    for (const w of this.watches.values()) w.timer?.cancel();
    this.watches.clear();
  }

  private async claim(hash: string, username: string): Promise<boolean> {
    if (!(await this.shared!.store.claim(hash, username))) return false;
    // The login waits here: complete it now rather than on the next poll.
    if (this.watches.has(hash)) await this.poll(hash);
    return true;
  }

  private schedule(hash: string): void {
    const w = this.watches.get(hash);
    if (!w || !this.shared) return;
    w.timer = this.shared.clock.setTimeout(() => void this.poll(hash), POLL_MS);
  }

  private async poll(hash: string): Promise<void> {
    const shared = this.shared!;
    let username: string | undefined;
    try {
      username = await shared.store.take(hash);
    } catch (err) {
      shared.onError?.(err);
    }
    const w = this.watches.get(hash);
    if (!w) return;
    if (username === undefined) {
      w.timer?.cancel();
      this.schedule(hash);
      return;
    }
    w.timer?.cancel();
    this.watches.delete(hash);
    w.complete(username);
  }

  get size(): number {
    return this.scans.size + this.codes.size + this.watches.size;
  }
}
