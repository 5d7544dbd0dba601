/**
 * @module cli/client/commands/people
 * Signing in with Matrix from a terminal (`api.md` §10): `login` (password asked without echo,
 * or read from standard input when it is not a terminal), `logout`, `whoami`, and the owner's
 * `users list`. The token `login` gets is kept in the credentials file for later commands.
 */
import type { ClientContext } from '../context.ts';
import { readCredentials, removeCredentials, writeCredentials } from '../credentials.ts';
import { ApiResponseError, UsageError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import { requestOpenIDToken } from '../matrix-sign-in.ts';
import { LineReader } from '../terminal/line-reader.ts';
import { renderTable } from '../terminal/table.ts';

/** `POST /v1/auth/matrix`'s answer. */
interface SignedIn {
  accessToken: string;
  userID: string;
  expiresAt: string;
}

/** One person in `GET /v1/users`. */
interface Person {
  userID: string;
  tokens: number;
  accounts: number;
  activeSessions: number;
  lastSeenAt?: string;
}

/** `bridge-login login --homeserver URL [--user ID]`. */
export async function login(ctx: ClientContext, options: { homeserver: string; user?: string }, credentialsFile: string): Promise<number> {
  const { io } = ctx;
  // Questions go to standard error: standard output carries only the result.
  const reader = new LineReader(io.stdin, io.stderr, () => io.exit(ExitCode.cancelled));
  let user = options.user;
  let password: string | undefined;
  try {
    user ??= (await reader.readLine('Matrix user (like @alice:example.org): '))?.trim();
    if (!user) throw new UsageError('missing_user', 'no Matrix user given (use --user)');
    password = await reader.readLine(`Password for ${user}: `, { mask: true });
  } finally {
    reader.close();
  }
  if (!password) throw new UsageError('missing_password', 'no password given');
  const openid = await requestOpenIDToken({ homeserver: options.homeserver, user, password, fetch: io.fetch });
  const signedIn = await ctx.api.request<SignedIn>('POST', '/v1/auth/matrix', { body: { accessToken: openid.accessToken, matrixServerName: openid.matrixServerName } });
  writeCredentials(credentialsFile, { baseURL: ctx.api.baseURL, userID: signedIn.userID, accessToken: signedIn.accessToken, expiresAt: signedIn.expiresAt });
  io.stdout.write(`Signed in to ${ctx.api.baseURL} as ${signedIn.userID} until ${signedIn.expiresAt}.\n`);
  return ExitCode.ok;
}

/** `bridge-login logout`: revoke the saved token on its server, then forget it. */
export async function logout(ctx: ClientContext, credentialsFile: string, revoke: (baseURL: string, token: string) => Promise<void>): Promise<number> {
  const saved = readCredentials(credentialsFile);
  if (!saved) {
    ctx.io.stdout.write('Not signed in.\n');
    return ExitCode.ok;
  }
  try {
    await revoke(saved.baseURL, saved.accessToken);
  } catch (err) {
    // A token the server no longer takes is as good as revoked.
    if (!(err instanceof ApiResponseError && err.status === 401)) throw err;
  }
  removeCredentials(credentialsFile);
  ctx.io.stdout.write(`Signed ${saved.userID} out of ${saved.baseURL}.\n`);
  return ExitCode.ok;
}

/** `bridge-login whoami`: who the saved token belongs to, checked with its server. */
export async function whoami(ctx: ClientContext, credentialsFile: string): Promise<number> {
  const saved = readCredentials(credentialsFile);
  if (ctx.connection.tokenSource === 'flag' || ctx.connection.tokenSource === 'env' || ctx.connection.tokenSource === 'file') {
    const where = { flag: '--token', env: 'BEEPER_ACCESS_TOKEN', file: "the local server's token file" }[ctx.connection.tokenSource];
    ctx.io.stdout.write(`Using the token from ${where} on ${ctx.connection.baseURL}.\n`);
    return ExitCode.ok;
  }
  if (!saved) {
    ctx.io.stdout.write('Not signed in. Sign in with: bridge-login login --homeserver <URL>\n');
    return ExitCode.noPermission;
  }
  await ctx.api.request('GET', '/v1/accounts');
  ctx.io.stdout.write(`${saved.userID} on ${saved.baseURL}, until ${saved.expiresAt}.\n`);
  return ExitCode.ok;
}

/** `bridge-login users list`: the people who signed in (owner only). */
export async function listUsers(ctx: ClientContext, options: { json?: boolean }): Promise<number> {
  const { items } = await ctx.api.request<{ items: Person[] }>('GET', '/v1/users');
  if (options.json) ctx.io.stdout.write(JSON.stringify(items, null, 2) + '\n');
  else if (items.length === 0) ctx.io.stdout.write('Nobody has signed in with Matrix yet.\n');
  else {
    const rows = items.map((p) => [p.userID, String(p.tokens), String(p.accounts), String(p.activeSessions), p.lastSeenAt ?? '']);
    ctx.io.stdout.write(renderTable(['USER', 'TOKENS', 'ACCOUNTS', 'ACTIVE SESSIONS', 'LAST SEEN'], rows, ctx.style.bold));
  }
  return ExitCode.ok;
}
