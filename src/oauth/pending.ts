/**
 * @module oauth/pending
 * Authorization requests waiting for the person's answer on the consent page. Each is checked
 * when it arrives, kept under a random id for ten minutes, and answered once: the page can only
 * allow or deny exactly what the app asked for. This in-memory keeper serves one instance
 * (SQLite); on PostgreSQL they are rows, so the page may reach any instance.
 */
import { randomBytes } from 'node:crypto';

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

/** How long a request waits for the person's answer. */
export const PENDING_TTL_MS = 10 * 60_000;
const MAX_PENDING = 1000;

/** A new pending request's id (it travels in the consent page's URL fragment). */
export function newPendingID(): string {
  return randomBytes(18).toString('base64url');
}

/** Pending requests in this process's memory. */
export class PendingRequests {
  private readonly byID = new Map<string, PendingRequest>();

  add(request: Omit<PendingRequest, 'expiresAt'>, now: number): string {
    for (const [id, r] of this.byID) if (r.expiresAt <= now) this.byID.delete(id);
    // The oldest go first when many are left unanswered.
    while (this.byID.size >= MAX_PENDING) this.byID.delete(this.byID.keys().next().value as string);
    const id = newPendingID();
    this.byID.set(id, { ...request, expiresAt: now + PENDING_TTL_MS });
    return id;
  }

  get(id: string, now: number): PendingRequest | undefined {
    const r = this.byID.get(id);
    return r && r.expiresAt > now ? r : undefined;
  }

  /** Take a request out to answer it; undefined when unknown, expired or already answered. */
  take(id: string, now: number): PendingRequest | undefined {
    const r = this.get(id, now);
    this.byID.delete(id);
    return r;
  }
}
