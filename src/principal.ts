/**
 * @module principal
 * Who is asking. Every service call that reads or changes sessions, logins or accounts takes
 * the caller; today there is only the owner (the holder of a token made by `token create`), so
 * per-person scoping (api.md §10) can later be a filter on it rather than a rewrite.
 */

/** The caller of a service: for now always the owner. */
export type Principal = { readonly kind: 'owner' };

/** The owner of this server. */
export const OWNER: Principal = Object.freeze({ kind: 'owner' });

/** The principal the auth step attached to a request (`request.principal`), else the owner. */
export function principalOf(request: object): Principal {
  return (request as { principal?: Principal }).principal ?? OWNER;
}
