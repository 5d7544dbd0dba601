/**
 * @module oauth/pending
 * Authorization requests waiting for the person's answer on the consent page. Each is checked
 * when it arrives, kept in memory under a random id for ten minutes, and answered once: the
 * page can only allow or deny exactly what the app asked for.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.ts';

/** A vetted authorization request. */
export interface PendingRequest {
  clientID: string;
  clientName: string;
  redirectUri: string;
  scopes: string[];
  state?: string;
  codeChallenge: string;
  expiresAt: number;
}

const TTL_MS = 10 * 60_000;
const MAX_PENDING = 1000;

export class PendingRequests {
  private readonly byID = new Map<string, PendingRequest>();

  constructor(private readonly clock: Clock) {}

  add(request: Omit<PendingRequest, 'expiresAt'>): string {
    const now = this.clock.now();
    for (const [id, r] of this.byID) if (r.expiresAt <= now) this.byID.delete(id);
    // The oldest go first when many are left unanswered.
    while (this.byID.size >= MAX_PENDING) this.byID.delete(this.byID.keys().next().value as string);
    const id = randomBytes(18).toString('base64url');
    this.byID.set(id, { ...request, expiresAt: now + TTL_MS });
    return id;
  }

  get(id: string): PendingRequest | undefined {
    const r = this.byID.get(id);
    return r && r.expiresAt > this.clock.now() ? r : undefined;
  }

  /** Take a request out to answer it; undefined when unknown, expired or already answered. */
  take(id: string): PendingRequest | undefined {
    const r = this.get(id);
    this.byID.delete(id);
    return r;
  }
}
