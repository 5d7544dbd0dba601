/**
 * The demo bridge's `cookies` flow (`api.md` §7): the page `/demo/sign-in` issues a
 * `demo_session` cookie; submitting its value completes the login. Issued values are kept only
 * as hashes, and each works once.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock, TimerHandle } from '../../clock.ts';
import type { DemoCookieStorage } from '../../store/storage.ts';
import type { CookiesStep, LoginProcess, StepInput, StepOutcome } from '../types.ts';
import { demoLogin } from './identity.ts';

export const DEMO_COOKIE = 'demo_session';

const hash = (value: string): string => createHash('sha256').update(value).digest('hex');

/** How long an issued value works. */
const COOKIE_LIFETIME_MS = 3_600_000;

/** How often expired values are deleted, whether or not any page is used. */
const PURGE_INTERVAL_MS = 600_000;

/**
 * Cookie values issued by the sign-in page (hashed at rest, one use each, 1 hour). At most
 * `maxKept` are kept: issuing one more forgets the oldest, so that no stream of sign-ins can grow
 * the database (SQLite never gives the space back to the file system). Expired ones are deleted
 * every 10 minutes.
 */
export class DemoCookies {
  private purgeTimer?: TimerHandle;

  constructor(
    private readonly store: DemoCookieStorage,
    private readonly clock: Clock,
    private readonly maxKept = 1000,
  ) {
    this.schedulePurge();
  }

  private schedulePurge(): void {
    this.purgeTimer = this.clock.setTimeout(() => {
      // A failed purge is retried by the next one.
      this.store.purgeBefore(this.clock.now() - COOKIE_LIFETIME_MS).catch(() => {});
      this.schedulePurge();
    }, PURGE_INTERVAL_MS);
  }

  /** Stop the scheduled purge. */
  close(): void {
    this.purgeTimer?.cancel();
    this.purgeTimer = undefined;
  }

  /** Issue a new cookie value for `username`. */
  async issue(username: string): Promise<string> {
    const now = this.clock.now();
    const value = randomBytes(24).toString('base64url');
    await this.store.purgeBefore(now - COOKIE_LIFETIME_MS);
    await this.store.evictOldest((await this.store.count()) - this.maxKept + 1);
    await this.store.add(hash(value), username, now);
    return value;
  }

  /** The username a value was issued for (using it up), or undefined. */
  redeem(value: string): Promise<string | undefined> {
    return this.store.take(hash(value), this.clock.now() - COOKIE_LIFETIME_MS);
  }
}

export function cookiesStep(baseURL: string): CookiesStep {
  return {
    type: 'cookies',
    stepID: 'demo.cookies',
    url: `${baseURL}/demo/sign-in`,
    instructions: `Sign in on the page, then submit the value of its "${DEMO_COOKIE}" cookie.`,
    fields: [{ id: 'session', name: DEMO_COOKIE, type: 'cookie' }],
    expectedFinalURLRegex: '/demo/signed-in',
    extractJS: `(async () => ({ session: (document.cookie.split('; ').find((c) => c.startsWith('${DEMO_COOKIE}=')) || '').slice(${DEMO_COOKIE.length + 1}) }))()`,
  };
}

export class CookieProcess implements LoginProcess {
  /** `resumable`: keep a resume state (several instances); one process keeps none, as before. */
  constructor(
    private readonly cookies: DemoCookies,
    private readonly resumable = false,
  ) {}

  /** Nothing but the flow: the cookie it waits for is in the database, for any instance. */
  resumeState(): { kind: 'cookies' } | undefined {
    return this.resumable ? { kind: 'cookies' } : undefined;
  }

  async submit(input: StepInput): Promise<StepOutcome> {
    const username = await this.cookies.redeem(input.session ?? '');
    if (username === undefined) {
      return { kind: 'failed', error: { code: 'invalid_credentials', message: 'That session cookie was not issued by the sign-in page (or was already used).' } };
    }
    return { kind: 'complete', login: demoLogin(username) };
  }

  wait(): Promise<StepOutcome> {
    return Promise.reject(new Error('a cookie login has nothing to wait for'));
  }

  async cancel(): Promise<void> {}
}
