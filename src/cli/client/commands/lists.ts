/**
 * @module cli/client/commands/lists
 * `bridges`, `logins <bridgeID>` and `accounts`: an aligned table for people, the objects as
 * JSON for scripts.
 */
import type { ClientContext } from '../context.ts';
import { ExitCode } from '../exit-codes.ts';
import { displayUser } from '../format.ts';
import { renderTable } from '../terminal/table.ts';

export interface ListOptions {
  json?: boolean;
}

export async function listBridges(ctx: ClientContext, options: ListOptions): Promise<number> {
  const bridges = await ctx.api.listBridges();
  return print(
    ctx,
    options,
    bridges,
    ['ID', 'NAME', 'NETWORK', 'STATUS', 'ACCOUNTS', 'MULTIPLE'],
    bridges.map((b) => [b.id, b.displayName, b.network ?? '', b.status, String(b.activeAccountCount), b.supportsMultipleAccounts ? 'yes' : 'no']),
    'No bridges are configured.',
  );
}

export async function listLogins(ctx: ClientContext, bridgeID: string, options: ListOptions): Promise<number> {
  const logins = await ctx.api.listLogins(bridgeID);
  return print(
    ctx,
    options,
    logins,
    ['LOGIN ID', 'USER', 'STATUS', 'ACCOUNTS', 'REMOVE SCOPES'],
    logins.map((l) => [l.loginID, displayUser(l), l.status, (l.accountIDs ?? []).join(', '), l.removeScopes.join(', ')]),
    `No logins on ${bridgeID} yet. Add one with: bridge-login connect ${bridgeID}`,
  );
}

export async function listAccounts(ctx: ClientContext, options: ListOptions): Promise<number> {
  const accounts = await ctx.api.listAccounts();
  return print(
    ctx,
    options,
    accounts,
    ['ACCOUNT ID', 'BRIDGE', 'NETWORK', 'USER', 'STATUS'],
    accounts.map((a) => [a.accountID, a.bridge.id, a.network ?? '', displayUser(a), a.status]),
    'No accounts yet. Connect one with: bridge-login connect <bridgeID>',
  );
}

function print(ctx: ClientContext, options: ListOptions, items: unknown[], headers: string[], rows: string[][], empty: string): number {
  const { stdout } = ctx.io;
  if (options.json) stdout.write(JSON.stringify(items, null, 2) + '\n');
  else if (rows.length === 0) stdout.write(empty + '\n');
  else stdout.write(renderTable(headers, rows, ctx.style.bold));
  return ExitCode.ok;
}
