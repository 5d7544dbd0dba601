/**
 * @module principal
 * Who is asking (api.md §10). Every service call that reads or changes sessions, logins or
 * accounts takes the caller: the **owner** (a token made at first start or by `token create`)
 * or a **Matrix user** who signed in. Each sees and changes only what is theirs.
 */

/** The caller of a service. */
export type Principal = { readonly kind: 'owner' } | { readonly kind: 'user'; readonly userID: string };

/** The owner of this server. */
export const OWNER: Principal = Object.freeze({ kind: 'owner' });

/** A Matrix user, by MXID. */
export function matrixUser(userID: string): Principal {
  return Object.freeze({ kind: 'user', userID });
}

/** How storage names a principal: '' for the owner, else the Matrix user ID. */
export function principalKey(principal: Principal): string {
  return principal.kind === 'owner' ? '' : principal.userID;
}

/** The principal a stored key names (see {@link principalKey}). */
export function principalFromKey(key: string): Principal {
  return key === '' ? OWNER : matrixUser(key);
}

/** The Matrix user a bridge should act as for `principal`: theirs, or undefined for the owner (the bridge's configured user). */
export function actingUserID(principal: Principal): string | undefined {
  return principal.kind === 'user' ? principal.userID : undefined;
}

/** The id of the token the auth step accepted (`request.tokenID`), if any. */
export function tokenIDOf(request: object): string | undefined {
  return (request as { tokenID?: string }).tokenID;
}

/** The principal the auth step attached to a request (`request.principal`), else the owner. */
export function principalOf(request: object): Principal {
  return (request as { principal?: Principal }).principal ?? OWNER;
}
