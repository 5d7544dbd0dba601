/**
 * `/v0/mcp`: the MCP server over Streamable HTTP, on the API's own port. The app's request guard
 * (host check, CORS, Bearer auth) runs before this route like before any `/v1` route. Each MCP
 * session (`Mcp-Session-Id`) has its own server, bound to the token that opened it: its tools
 * call the API in process with that same `Authorization` header, and a request with another
 * token does not find the session. The MCP SDK is loaded on the first request, not at start.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { McpSessions } from './http-sessions.ts';

/** The path of the endpoint, as `/v1/info` lists it. */
export const MCP_PATH = '/v0/mcp';

export interface McpRoutesOptions {
  /** The server's base URL, for links shown to the person. */
  baseURL: () => string;
  /** How many MCP sessions are kept at once; past it the least recently used one is closed. */
  maxSessions?: number;
}

/** Registers `GET|POST|DELETE /v0/mcp`. */
export const mcpRoutes: FastifyPluginAsync<McpRoutesOptions> = async (app, options) => {
  let sessions: Promise<McpSessions> | undefined;
  const load = (): Promise<McpSessions> =>
    (sessions ??= import('./http-sessions.ts').then(({ McpSessions }) => new McpSessions(app, options.baseURL, options.maxSessions ?? 256)));

  app.route({
    method: ['GET', 'POST', 'DELETE'],
    url: MCP_PATH,
    // Not a REST route (JSON-RPC has its own error shape): the OpenAPI document leaves it out.
    schema: { hide: true },
    handler: async (request, reply) => {
      const id = request.headers['mcp-session-id'];
      const host = await load();
      const found = await host.find(typeof id === 'string' ? id : undefined, request.headers.authorization, request.method, request.body);
      if ('status' in found) {
        return reply.code(found.status).type('application/json').send({ jsonrpc: '2.0', error: { code: -32000, message: found.message }, id: null });
      }
      // The transport writes the answer itself; the headers the app set so far (X-Request-ID, CORS) go with it.
      reply.hijack();
      for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value);
      if (reply.getHeader('access-control-allow-origin') !== undefined) reply.raw.setHeader('access-control-expose-headers', 'Mcp-Session-Id');
      await host.handle(found.transport, request.raw, reply.raw, request.body);
    },
  });

  // Before the server waits for its connections: open event streams would hold it up.
  app.addHook('preClose', async () => {
    if (sessions) await (await sessions).close();
  });
};
