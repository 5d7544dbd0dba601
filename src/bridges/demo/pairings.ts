/**
 * What the demo bridge's pages can complete: QR scan tokens and pairing codes, each pointing
 * at the login process waiting for it. Lives in memory only: a token is worthless after a
 * restart, since the process it belonged to is gone.
 */
import { randomBytes } from 'node:crypto';

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

export class Pairings {
  private readonly scans = new Map<string, Completer>();
  private readonly codes = new Map<string, Completer>();

  constructor(private readonly random: RandomBytes = randomBytes) {}

  /** A fresh one-time scan token for `complete`. */
  addScan(complete: Completer): string {
    const token = this.random(18).toString('base64url');
    this.scans.set(token, complete);
    return token;
  }

  removeScan(token: string): void {
    this.scans.delete(token);
  }

  /** Use a scan token once; false when it is unknown, used or replaced. */
  scan(token: string, username: string): boolean {
    const complete = this.scans.get(token);
    if (!complete) return false;
    this.scans.delete(token);
    complete(username);
    return true;
  }

  hasScan(token: string): boolean {
    return this.scans.has(token);
  }

  addCode(complete: Completer): string {
    for (;;) {
      const code = newPairingCode(this.random);
      const key = normalizeCode(code);
      if (!this.codes.has(key)) {
        this.codes.set(key, complete);
        return code;
      }
    }
  }

  removeCode(code: string): void {
    this.codes.delete(normalizeCode(code));
  }

  /** Enter a pairing code once; false when no login waits for it. */
  link(code: string, username: string): boolean {
    const key = normalizeCode(code);
    const complete = this.codes.get(key);
    if (!complete) return false;
    this.codes.delete(key);
    complete(username);
    return true;
  }

  get size(): number {
    return this.scans.size + this.codes.size;
  }
}
