/**
 * @module cli/client/commands/remove
 * `remove <bridgeID> <loginID> [--scope …]`: logs a login out and deletes it with its accounts.
 * Without `--scope` it uses the login's only scope, or asks when the login offers two (or, with
 * no one to ask, says to pass `--scope`).
 */
import type { RemoveScope } from '../api-types.ts';
import type { ClientContext } from '../context.ts';
import { InterruptedError, UsageError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import { LineReader } from '../terminal/line-reader.ts';

export interface RemoveOptions {
  scope?: RemoveScope;
  json?: boolean;
}

export async function removeLogin(ctx: ClientContext, bridgeID: string, loginID: string, options: RemoveOptions): Promise<number> {
  const { api, io, style } = ctx;
  const scope = options.scope ?? (await chooseScope(ctx, bridgeID, loginID, options));
  const result = await api.removeLogin(bridgeID, loginID, scope);
  if (options.json) {
    io.stdout.write(JSON.stringify(result) + '\n');
  } else {
    const accounts = result.affectedAccountIDs?.length ? `; accounts removed: ${result.affectedAccountIDs.join(', ')}` : '';
    io.stdout.write(`${style.green('✓')} Removed login ${style.bold(loginID)} from ${bridgeID} (${scope})${accounts}\n`);
  }
  return ExitCode.ok;
}

async function chooseScope(ctx: ClientContext, bridgeID: string, loginID: string, options: RemoveOptions): Promise<RemoveScope> {
  const login = await ctx.api.getLogin(bridgeID, loginID);
  const scopes = login.removeScopes;
  if (scopes.length === 1) return scopes[0]!;
  const choices = scopes.length > 0 ? scopes : (['current-device', 'all-devices'] as RemoveScope[]);
  const { io, style } = ctx;
  if (options.json || !io.stdin.isTTY || !io.stdout.isTTY) {
    throw new UsageError('scope_required', `login ${loginID} can be removed with ${choices.map((s) => `--scope ${s}`).join(' or ')}; say which`);
  }
  const reader = new LineReader(io.stdin, io.stdout, () => io.exit(ExitCode.cancelled));
  try {
    io.stdout.write(`Remove ${style.bold(loginID)} from ${bridgeID}:\n`);
    choices.forEach((s, i) => io.stdout.write(`  ${i + 1}) ${s}${s === 'all-devices' ? style.dim(' (logs out everywhere)') : style.dim(' (this device only)')}\n`));
    for (;;) {
      const answer = await reader.readLine(`${style.bold('Choose')} ${style.dim(`(1-${choices.length})`)}: `);
      if (answer === undefined) throw new InterruptedError('end-of-input');
      const chosen = choices[Number(answer.trim()) - 1] ?? choices.find((s) => s === answer.trim());
      if (chosen) return chosen;
    }
  } finally {
    reader.close();
  }
}
