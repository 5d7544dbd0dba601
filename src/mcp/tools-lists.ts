/** `list_bridges` and `list_accounts`: what can be connected, and what is. */
import { z } from 'zod';
import { call } from './api-port.ts';
import { guarded, type ToolContext } from './tool-kit.ts';

interface Bridge {
  id: string;
  displayName: string;
  status: string;
  statusText?: string;
  network?: string;
  supportsMultipleAccounts: boolean;
  activeAccountCount: number;
}
interface Flow {
  id: string;
  name?: string;
  description?: string;
}
interface Account {
  accountID: string;
  bridge: { id: string };
  status: string;
  loginID?: string;
  user: { id: string; fullName?: string; username?: string; phoneNumber?: string; email?: string };
}

const flowShape = z.object({ id: z.string(), name: z.string().optional(), description: z.string().optional() });

/** Registers `list_bridges` and `list_accounts`. */
export function registerListTools({ server, port }: ToolContext): void {
  server.registerTool(
    'list_bridges',
    {
      title: 'List chat bridges',
      description:
        'Lists the chat networks this server can connect (bridges), each with its status, how many accounts it has, and its login flows (e.g. "qr", "password"). Call this first to find the bridgeID and flowID for start_login.',
      annotations: { readOnlyHint: true, openWorldHint: false },
      outputSchema: {
        bridges: z.array(
          z.looseObject({ id: z.string(), displayName: z.string(), status: z.string(), activeAccountCount: z.number(), flows: z.array(flowShape) }),
        ),
      },
    },
    () =>
      guarded(async () => {
        const { items } = await call<{ items: Bridge[] }>(port, { method: 'GET', path: '/v1/bridges' });
        const bridges = await Promise.all(
          items.map(async (b) => {
            // A bridge that cannot answer now still lists, with no flows to start.
            const flows = await call<{ items: Flow[] }>(port, { method: 'GET', path: `/v1/bridges/${encodeURIComponent(b.id)}/login-flows` }).then(
              (r) => r.items,
              () => [] as Flow[],
            );
            return {
              id: b.id,
              displayName: b.displayName,
              status: b.status,
              ...(b.statusText ? { statusText: b.statusText } : {}),
              ...(b.network ? { network: b.network } : {}),
              supportsMultipleAccounts: b.supportsMultipleAccounts,
              activeAccountCount: b.activeAccountCount,
              flows: flows.map((f) => ({ id: f.id, ...(f.name ? { name: f.name } : {}), ...(f.description ? { description: f.description } : {}) })),
            };
          }),
        );
        const lines = bridges.map(
          (b) =>
            `- ${b.displayName} (bridgeID "${b.id}"): ${b.status}${b.statusText ? ` (${b.statusText})` : ''}, ${b.activeAccountCount} account(s); flows: ${
              b.flows.map((f) => `"${f.id}"${f.name ? ` (${f.name})` : ''}`).join(', ') || 'none available now'
            }`,
        );
        return { content: [{ type: 'text', text: bridges.length ? `Bridges:\n${lines.join('\n')}` : 'No bridges are configured.' }], structuredContent: { bridges } };
      }),
  );

  server.registerTool(
    'list_accounts',
    {
      title: 'List connected chat accounts',
      description: 'Lists the chat accounts connected through the bridges, with their status and the loginID that remove_login takes.',
      annotations: { readOnlyHint: true, openWorldHint: false },
      outputSchema: { accounts: z.array(z.looseObject({ accountID: z.string(), status: z.string() })) },
    },
    () =>
      guarded(async () => {
        const accounts = await call<Account[]>(port, { method: 'GET', path: '/v1/accounts' });
        const lines = accounts.map((a) => {
          const who = a.user.fullName ?? a.user.username ?? a.user.phoneNumber ?? a.user.email ?? a.user.id;
          return `- ${who} on ${a.bridge.id}: ${a.status} (accountID "${a.accountID}"${a.loginID ? `, loginID "${a.loginID}"` : ''})`;
        });
        return { content: [{ type: 'text', text: accounts.length ? `Accounts:\n${lines.join('\n')}` : 'No chat account is connected yet.' }], structuredContent: { accounts } };
      }),
  );
}
