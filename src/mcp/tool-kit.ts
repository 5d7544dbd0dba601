/** What every tool shares: the context it runs in, its error results and its argument shapes. */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ApiCallError, type ApiPort } from './api-port.ts';

/** What the tools run with. */
export interface ToolContext {
  server: McpServer;
  port: ApiPort;
}

/** A tool result that the client shows as failed, with `text` saying why and what to do. */
export function toolError(text: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text }] };
}

/** Runs a tool's body; a refusal of the API becomes a tool error naming its code. */
export async function guarded(body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof ApiCallError) {
      return toolError(`bridge-login refused: ${err.message} (${err.code}${err.status ? `, HTTP ${err.status}` : ''}).`);
    }
    throw err;
  }
}

export const id = (what: string): z.ZodString => z.string().min(1).max(512).describe(what);

export const sessionArgs = {
  bridgeID: id('The bridge of the login session (from list_bridges), e.g. "whatsapp".'),
  loginSessionID: id('The loginSessionID that start_login returned.'),
};

/** The structured content of the session tools: the `LoginSession` as the API returns it. */
export const sessionOutput = {
  session: z
    .looseObject({
      bridgeID: z.string(),
      loginSessionID: z.string(),
      status: z.enum(['waiting_for_input', 'waiting_for_cookies', 'waiting_for_display', 'complete', 'cancelled', 'failed']),
    })
    .describe('The login session (api.md LoginSession); a QR display leaves out imageURL, sent as image content instead.'),
};
