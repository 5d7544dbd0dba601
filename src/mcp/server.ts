/**
 * @module mcp
 * The MCP server of bridge-login (Model Context Protocol, official TypeScript SDK): the tools an
 * assistant uses to connect a chat account (list_bridges, list_accounts, start_login,
 * get_login_session, continue_login, cancel_login, remove_login) and each login session as a
 * subscribable resource. The tools reach the server only through its public HTTP API (an
 * {@link ApiPort}), so that they obey the same auth and checks as any client. Two transports
 * share them: Streamable HTTP at `/v0/mcp` on the API's own port (`http.ts`), and standard
 * input and output for `bridge-login mcp` (`stdio.ts`). Passwords, codes and cookies are asked of
 * the person with MCP elicitation and go to the API directly, never through the model.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { APP_VERSION } from '../version.ts';
import type { ApiPort } from './api-port.ts';
import { registerSessionResources } from './resources.ts';
import { registerContinueTool } from './tool-continue.ts';
import { registerListTools } from './tools-lists.ts';
import { registerSessionTools } from './tools-sessions.ts';

const INSTRUCTIONS =
  'Connects the person\'s chat accounts (WhatsApp, Signal, …) through bridges. Use list_bridges, then start_login and continue_login until the session is complete. ' +
  'Never ask the person for a password, code or cookie: continue_login has the server ask them directly. Show QR codes as the images returned.';

/** An MCP server and what ends it. */
export interface BridgeLoginMcp {
  server: McpServer;
  /** Ends the resource subscriptions and closes the server's transport. */
  close(): Promise<void>;
}

/**
 * One MCP server (one per connected client) whose tools call the API through `port`.
 *
 * @example
 * const { server } = createMcpServer(fetchPort({ baseURL, token }));
 * await server.connect(new StdioServerTransport());
 */
export function createMcpServer(port: ApiPort): BridgeLoginMcp {
  const server = new McpServer({ name: 'bridge-login', title: 'bridge-login', version: APP_VERSION }, { instructions: INSTRUCTIONS });
  const ctx = { server, port };
  registerListTools(ctx);
  registerSessionTools(ctx);
  registerContinueTool(ctx);
  const endSubscriptions = registerSessionResources(server, port);
  server.server.onclose = endSubscriptions;
  return {
    server,
    close: async () => {
      endSubscriptions();
      await server.close();
    },
  };
}
