/** How the demo bridge names the identity behind a username. */
import { createHash } from 'node:crypto';
import type { CompletedLogin } from '../types.ts';

/**
 * The login ID of a username: a readable slug plus a hash of the exact username, so that the
 * same username always gives the same login and different ones never collide in practice.
 */
export function demoLoginID(username: string): string {
  const slug = username
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 24);
  const hash = createHash('sha256').update(username).digest('hex').slice(0, 10);
  return slug ? `${slug}-${hash}` : `user-${hash}`;
}

/** The completed login of a demo username. */
export function demoLogin(username: string): CompletedLogin {
  const loginID = demoLoginID(username);
  return {
    loginID,
    user: { id: loginID, username, fullName: username, isSelf: true },
    status: 'connected',
    instructions: `Connected to Demo Chat as ${username}.`,
  };
}
