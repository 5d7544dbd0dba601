/**
 * @module oauth/model
 * The storage model `@node-oauth/oauth2-server` calls while it runs the protocol (authorization
 * codes with PKCE, the token endpoint, refresh rotation). Expiry is decided here, by the injected
 * clock, not by the library's own `new Date()`: an expired code or token is simply not found.
 * A spent refresh token or a replayed code revokes the whole grant (OAuth 2.1 §4.3.1, §6.1).
 */
import OAuth2Server from '@node-oauth/oauth2-server';
import type { Clock } from '../clock.ts';
import type { Principal } from '../principal.ts';
import { ACCESS_TTL_MS, REFRESH_TTL_MS, newSecret, type OAuthStorage } from './store.ts';

/** The scopes this server knows; `read` is given when an app asks for none. */
export const SCOPES = ['read', 'write'] as const;

/** The "user" the library carries around: the principal, and the grant once there is one. */
export interface GrantUser {
  principal: Principal;
  grantID?: string;
}

type LibClient = { id: string; grants: string[]; redirectUris: string[] };

async function libClient(store: OAuthStorage, id: string): Promise<LibClient | undefined> {
  const client = await store.client(id);
  return client && { id: client.id, grants: ['authorization_code', 'refresh_token'], redirectUris: client.redirectUris };
}

/** A far-enough Date for the library's own expiry check; the real one was made by the clock. */
const libDate = (msLeft: number): Date => new Date(Date.now() + Math.max(1000, msLeft));

/** Build the library's model over the store. */
export function oauthModel(store: OAuthStorage, clock: Clock) {
  return {
    generateAuthorizationCode: async () => newSecret('blc_'),
    generateAccessToken: async () => newSecret('blo_'),
    generateRefreshToken: async () => newSecret('blr_'),

    getClient: async (clientId: string) => (await libClient(store, clientId)) ?? false,

    validateScope: async (_user: unknown, _client: unknown, scope?: string[]) => {
      const asked = scope && scope.length > 0 ? scope : ['read'];
      return asked.every((s) => (SCOPES as readonly string[]).includes(s)) ? [...new Set(asked)].sort() : false;
    },

    saveAuthorizationCode: async (
      code: { authorizationCode: string; expiresAt: Date; redirectUri: string; scope?: string[]; codeChallenge?: string; codeChallengeMethod?: string },
      client: LibClient,
      user: GrantUser,
    ) => {
      // The route refuses a request without an S256 challenge before the library sees it.
      await store.saveCode(
        code.authorizationCode,
        { clientID: client.id, principal: user.principal, scope: (code.scope ?? ['read']).join(' '), redirectUri: code.redirectUri, codeChallenge: code.codeChallenge ?? '' },
        clock.now(),
      );
      return { ...code, client, user };
    },

    getAuthorizationCode: async (authorizationCode: string) => {
      const now = clock.now();
      const code = await store.code(authorizationCode);
      if (!code) return false;
      if (code.usedAt !== undefined) {
        // A replayed code: whoever holds it may have stolen it; the tokens it gave stop too.
        await store.revokeGrant(code.grantID, now);
        return false;
      }
      if (code.expiresAt <= now) return false;
      const client = await libClient(store, code.clientID);
      if (!client) return false;
      return {
        authorizationCode,
        expiresAt: libDate(code.expiresAt - now),
        redirectUri: code.redirectUri,
        scope: code.scope.split(' '),
        client,
        user: { principal: code.principal, grantID: code.grantID } satisfies GrantUser,
        codeChallenge: code.codeChallenge,
        codeChallengeMethod: 'S256',
      };
    },

    revokeAuthorizationCode: async (code: { authorizationCode: string; user: GrantUser }) => {
      const now = clock.now();
      if (await store.spendCode(code.authorizationCode, now)) return true;
      // Spent between our look and now (another instance, or a concurrent request): a replay
      // like any other, so the grant goes, whichever redemption got the tokens.
      if (code.user.grantID) await store.revokeGrant(code.user.grantID, now);
      return false;
    },

    saveToken: async (
      token: { accessToken: string; accessTokenExpiresAt?: Date; refreshToken?: string; refreshTokenExpiresAt?: Date; scope?: string[] },
      client: LibClient,
      user: GrantUser,
    ) => {
      const now = clock.now();
      const scope = (token.scope ?? ['read']).join(' ');
      if (!user.grantID) throw new Error('a token needs a grant');
      await store.saveToken(token.accessToken, 'access', user.grantID, scope, now, now + ACCESS_TTL_MS);
      if (token.refreshToken) await store.saveToken(token.refreshToken, 'refresh', user.grantID, scope, now, now + REFRESH_TTL_MS);
      return {
        ...token,
        accessTokenExpiresAt: libDate(ACCESS_TTL_MS),
        ...(token.refreshToken ? { refreshTokenExpiresAt: libDate(REFRESH_TTL_MS) } : {}),
        client,
        user,
      };
    },

    getRefreshToken: async (refreshToken: string) => {
      const now = clock.now();
      const found = await store.refresh(refreshToken, now);
      if (!found) return false;
      if (found.spent) {
        await store.revokeGrant(found.grantID, now);
        return false;
      }
      const client = await libClient(store, found.clientID);
      if (!client) return false;
      return {
        refreshToken,
        refreshTokenExpiresAt: libDate(found.expiresAt - now),
        scope: found.scope.split(' '),
        client,
        user: { principal: found.principal, grantID: found.grantID } satisfies GrantUser,
      };
    },

    revokeToken: async (token: { refreshToken: string; user: GrantUser }) => {
      const now = clock.now();
      if (await store.spendToken(token.refreshToken, now)) return true;
      // Spent between our look and now: a concurrent replay; the grant goes.
      if (token.user.grantID) await store.revokeGrant(token.user.grantID, now);
      return false;
    },

    // The library's own Bearer check is not used: the app's authentication plugin asks the store.
    getAccessToken: async () => false,
  };
}

/** The protocol engine: public clients (no secret), PKCE, codes of 60 s, tokens of 1 h, rotation. */
export function oauthServer(store: OAuthStorage, clock: Clock): OAuth2Server {
  return new OAuth2Server({
    model: oauthModel(store, clock) as unknown as OAuth2Server.AuthorizationCodeModel,
    requireClientAuthentication: { authorization_code: false, refresh_token: false },
    allowEmptyState: true,
    authorizationCodeLifetime: 60,
    accessTokenLifetime: ACCESS_TTL_MS / 1000,
    refreshTokenLifetime: REFRESH_TTL_MS / 1000,
    alwaysIssueNewRefreshToken: true,
  });
}
