/**
 * @module cli/client/format
 * How objects of the API read in tables and messages.
 */
import type { User } from './api-types.ts';

/**
 * A user's best name: full name, else username, e-mail, phone number, or ID.
 * @example displayUser({ user: { id: 'u1', username: 'ann' } }) // → 'ann'
 */
export function displayUser(holder: { user?: User }): string {
  const user = holder.user;
  if (!user) return '';
  return user.fullName || user.username || user.email || user.phoneNumber || user.id;
}
