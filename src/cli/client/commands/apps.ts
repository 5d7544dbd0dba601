/**
 * @module cli/client/commands/apps
 * `apps list` and `apps revoke <clientID>`: the apps the token's principal allowed through OAuth
 * (api.md §12), with their scopes and last use; revoking one stops its tokens at once.
 */
import type { ClientContext } from '../context.ts';
import { ExitCode } from '../exit-codes.ts';
import { renderTable } from '../terminal/table.ts';

/** An approved app as `GET /v1/apps` lists it. */
interface AppConnection {
  clientID: string;
  name: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt?: string;
}

export async function listApps(ctx: ClientContext, options: { json?: boolean }): Promise<number> {
  const { items } = await ctx.api.request<{ items: AppConnection[] }>('GET', '/v1/apps');
  const { stdout } = ctx.io;
  if (options.json) stdout.write(JSON.stringify(items, null, 2) + '\n');
  else if (items.length === 0) stdout.write('No apps have access. An app asks for it through OAuth; see the README, "Apps and OAuth".\n');
  else {
    const rows = items.map((a) => [a.clientID, a.name, a.scopes.join(' '), a.createdAt, a.lastUsedAt ?? 'never']);
    stdout.write(renderTable(['CLIENT ID', 'NAME', 'SCOPES', 'ALLOWED', 'LAST USED'], rows, ctx.style.bold));
  }
  return ExitCode.ok;
}

export async function revokeApp(ctx: ClientContext, clientID: string, options: { json?: boolean }): Promise<number> {
  await ctx.api.request('DELETE', `/v1/apps/${encodeURIComponent(clientID)}`);
  ctx.io.stdout.write(options.json ? JSON.stringify({ revoked: clientID }) + '\n' : `Revoked ${clientID}: its tokens no longer work.\n`);
  return ExitCode.ok;
}
