/**
 * @module people/service
 * People on one server (api.md §10): signing in with a Matrix OpenID token, the owner's list of
 * people, and signing a person out everywhere (their tokens revoked, their open long-polls and
 * event streams ended).
 */
import type { Clock } from '../clock.ts';
import { ApiError, notFound } from '../errors.ts';
import type { LoginService } from '../logins/service.ts';
import type { SessionService } from '../sessions/service.ts';
import type { PeopleStorage, TokenStorage } from '../store/storage.ts';
import { MatrixSignInError, type MatrixOpenID } from './matrix-openid.ts';

/** `POST /v1/auth/matrix`'s answer. */
export interface SignedIn {
  accessToken: string;
  userID: string;
  expiresAt: string;
}

/** One person in `GET /v1/users`. */
export interface PersonView {
  userID: string;
  tokens: number;
  accounts: number;
  activeSessions: number;
  lastSeenAt?: string;
}

export interface PeopleServiceOptions {
  clock: Clock;
  openid: MatrixOpenID;
  tokens: TokenStorage;
  people: PeopleStorage;
  logins: LoginService;
  sessions: SessionService;
  /** Lifetime of an issued token (`auth.tokenTTLSeconds`). */
  tokenTTLMs: number;
  /** Ends the person's open requests (long-polls, event streams); given by the auth plugin. */
  endRequestsOf: (userID: string) => void;
  /** Hears a last-seen write that failed (the request it came with goes on). */
  onError?: (err: unknown, context: string) => void;
}

export class PeopleService {
  constructor(private readonly opts: PeopleServiceOptions) {}

  get matrixSignIn(): boolean {
    return this.opts.openid.enabled;
  }

  /** Exchange an OpenID token for a token of this server bound to the person. */
  async signIn(openIDToken: string, matrixServerName: string): Promise<SignedIn> {
    let userID: string;
    try {
      userID = await this.opts.openid.verify(openIDToken, matrixServerName);
    } catch (err) {
      if (err instanceof MatrixSignInError) throw new ApiError(err.code, err.message);
      throw err;
    }
    const now = this.opts.clock.now();
    const expiresAt = now + this.opts.tokenTTLMs;
    const { token } = await this.opts.tokens.create('matrix sign-in', now, { userID, expiresAt });
    await this.opts.people.seen(userID, now, true);
    return { accessToken: token, userID, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** A person's request came in (moves their last-seen time, at most once a minute). */
  seen(userID: string): void {
    this.opts.people.seen(userID, this.opts.clock.now()).catch((err: unknown) => this.opts.onError?.(err, "recording when a person was last seen"));
  }

  /** Everyone who ever signed in, with what they hold now. */
  async list(): Promise<PersonView[]> {
    const now = this.opts.clock.now();
    const [tokens, logins, people] = await Promise.all([this.opts.tokens.activeByUser(now), this.opts.logins.countByPrincipal(), this.opts.people.list()]);
    return people.map((p) => ({
      userID: p.userID,
      tokens: tokens.get(p.userID) ?? 0,
      accounts: logins.get(p.userID) ?? 0,
      activeSessions: this.opts.sessions.activeOf(p.userID),
      lastSeenAt: new Date(p.lastSeenAt).toISOString(),
    }));
  }

  /** Sign a person out everywhere; 404 for someone who never signed in. */
  async signOut(userID: string): Promise<{ userID: string; revoked: number }> {
    const revoked = await this.opts.tokens.revokeUser(userID, this.opts.clock.now());
    if (revoked === 0 && !(await this.opts.people.has(userID))) throw notFound(`user "${userID}"`);
    this.opts.endRequestsOf(userID);
    return { userID, revoked };
  }
}
