/** `start_login`, `get_login_session`, `cancel_login` and `remove_login`. */
import { z } from 'zod';
import { call, sessionPath } from './api-port.ts';
import { sessionResult } from './render.ts';
import { guarded, id, sessionArgs, sessionOutput, toolError, type ToolContext } from './tool-kit.ts';
import type { LoginSession } from './wire.ts';

const SCOPES = ['current-device', 'all-devices'] as const;

/** Registers the session tools other than `continue_login`. */
export function registerSessionTools({ server, port }: ToolContext): void {
  server.registerTool(
    'start_login',
    {
      title: 'Start connecting a chat account',
      description:
        'Starts a login session on a bridge and returns its first step: a QR code (shown as an image) or pairing code to show the person, or the fields the server will ask the person for. Give loginID or accountID to reconnect an existing login instead of adding one. Then call continue_login.',
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
      inputSchema: {
        bridgeID: id('The bridge to connect, from list_bridges.'),
        flowID: id('One of the bridge\'s login flows (list_bridges); the bridge\'s default when left out.').optional(),
        loginID: id('Reconnect this existing login (from list_accounts).').optional(),
        accountID: id('Reconnect the login of this account (from list_accounts).').optional(),
      },
      outputSchema: sessionOutput,
    },
    ({ bridgeID, flowID, loginID, accountID }) =>
      guarded(async () => {
        const body = { ...(flowID ? { flowID } : {}), ...(loginID ? { loginID } : {}), ...(accountID ? { accountID } : {}) };
        const session = await call<LoginSession>(port, { method: 'POST', path: `/v1/bridges/${encodeURIComponent(bridgeID)}/login-sessions`, body });
        return sessionResult(session, 'Login session started.');
      }),
  );

  server.registerTool(
    'get_login_session',
    {
      title: 'Read a login session',
      description: 'Returns where a login session stands now (never waits): its current step, or its outcome. A QR step comes with the current QR image.',
      annotations: { readOnlyHint: true, openWorldHint: false },
      inputSchema: sessionArgs,
      outputSchema: sessionOutput,
    },
    ({ bridgeID, loginSessionID }) =>
      guarded(async () => sessionResult(await call<LoginSession>(port, { method: 'GET', path: sessionPath(bridgeID, loginSessionID) }))),
  );

  server.registerTool(
    'cancel_login',
    {
      title: 'Cancel a login session',
      description: 'Stops a login session that is still running (the bridge stops waiting for the person). Cancelling one already cancelled changes nothing.',
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
      inputSchema: sessionArgs,
      outputSchema: { bridgeID: z.string(), loginSessionID: z.string(), status: z.literal('cancelled') },
    },
    ({ bridgeID, loginSessionID }) =>
      guarded(async () => {
        const answer = await call<{ bridgeID: string; loginSessionID: string; status: 'cancelled' }>(port, { method: 'DELETE', path: sessionPath(bridgeID, loginSessionID) });
        return { content: [{ type: 'text', text: `Login session ${loginSessionID} on ${bridgeID} is cancelled.` }], structuredContent: answer };
      }),
  );

  server.registerTool(
    'remove_login',
    {
      title: 'Remove a connected chat account',
      description:
        'Logs a login out on its bridge and deletes it with its accounts. This cannot be undone: ask the person first. scope "all-devices" (the default where the bridge allows it) also signs out the bridge\'s device on the network; "current-device" only this server\'s.',
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
      inputSchema: {
        bridgeID: id('The bridge of the login.'),
        loginID: id('The login to remove (from list_accounts).'),
        scope: z.enum(SCOPES).optional().describe('One of the login\'s removeScopes; by default "all-devices" where allowed, else the first.'),
      },
      outputSchema: { bridgeID: z.string(), loginID: z.string(), scope: z.enum(SCOPES), status: z.literal('removed'), affectedAccountIDs: z.array(z.string()).optional() },
    },
    ({ bridgeID, loginID, scope }) =>
      guarded(async () => {
        const loginPath = `/v1/bridges/${encodeURIComponent(bridgeID)}/logins/${encodeURIComponent(loginID)}`;
        const login = await call<{ removeScopes: (typeof SCOPES)[number][] }>(port, { method: 'GET', path: loginPath });
        const chosen = scope ?? (login.removeScopes.includes('all-devices') ? 'all-devices' : login.removeScopes[0]);
        if (chosen === undefined) return toolError(`Login ${loginID} on ${bridgeID} cannot be removed through this server (its bridge offers no remove scope).`);
        const answer = await call<{ bridgeID: string; loginID: string; scope: (typeof SCOPES)[number]; status: 'removed'; affectedAccountIDs?: string[] }>(port, {
          method: 'POST',
          path: `${loginPath}/remove`,
          body: { scope: chosen },
        });
        const accounts = answer.affectedAccountIDs?.length ? ` Accounts removed: ${answer.affectedAccountIDs.join(', ')}.` : '';
        return { content: [{ type: 'text', text: `Login ${loginID} on ${bridgeID} is removed (${chosen}).${accounts}` }], structuredContent: answer };
      }),
  );
}
