/**
 * `/v0/mcp`: the MCP server over Streamable HTTP, on the API's own port. The app's request guard
 * (host check, CORS, Bearer auth) runs before this route like before any `/v1` route. Each MCP
 * session (`Mcp-Session-Id`) has its own server, bound to the token that opened it: its tools
 * call the API in process with that same `Authorization` header, and a request with another
 * token does not find the session. Sessions are kept in memory, so that a tool call can ask the
 * person (elicitation) and a subscription can report changes.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { injectPort } from './inject-port.ts';
import { createMcpServer, type BridgeLoginMcp } from './server.ts';

/** The path of the endpoint, as `/v1/info` lists it. */
export const MCP_PATH = '/v0/mcp';

export interface McpRoutesOptions {
  /** The server's base URL, for links shown to the person. */
  baseURL: () => string;
  /** How many MCP sessions are kept at once; past it the least recently used one is closed. */
  maxSessions?: number;
}

interface Entry {
  transport: StreamableHTTPServerTransport;
  mcp: BridgeLoginMcp;
  /** Digest of the `Authorization` header that opened the session. */
  owner: string;
}

const digest = (header: string | undefined): string => createHash('sha256').update(header ?? '').digest('hex');

/** A JSON-RPC error answer, as the MCP transport itself words its refusals. */
function rpcError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).type('application/json').send({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });
}

/** Registers `GET|POST|DELETE /v0/mcp`. */
export const mcpRoutes: FastifyPluginAsync<McpRoutesOptions> = async (app, options) => {
  const maxSessions = options.maxSessions ?? 256;
  const sessions = new Map<string, Entry>();

  const open = async (authorization: string | undefined): Promise<Entry> => {
    const mcp = createMcpServer(injectPort(app, authorization, options.baseURL));
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, entry);
        if (sessions.size > maxSessions) void sessions.values().next().value?.mcp.close();
      },
    });
    const entry: Entry = { transport, mcp, owner: digest(authorization) };
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
      void mcp.close();
    };
    await mcp.server.connect(transport);
    return entry;
  };

  app.route({
    method: ['GET', 'POST', 'DELETE'],
    url: MCP_PATH,
    // Not a REST route (JSON-RPC has its own error shape): the OpenAPI document leaves it out.
    schema: { hide: true },
    handler: async (request, reply) => {
      const id = request.headers['mcp-session-id'];
      let entry: Entry | undefined;
      if (typeof id === 'string') {
        entry = sessions.get(id);
        if (!entry || entry.owner !== digest(request.headers.authorization)) return rpcError(reply, 404, 'Session not found');
        // Most recently used last: the first in the map is the one closed when there are too many.
        sessions.delete(id);
        sessions.set(id, entry);
      } else if (request.method === 'POST' && isInitializeRequest(request.body)) {
        entry = await open(request.headers.authorization);
      } else {
        return rpcError(reply, 400, 'Bad Request: no valid Mcp-Session-Id; start with an initialize request');
      }
      // The transport writes the answer itself; the headers the app set so far (X-Request-ID, CORS) go with it.
      reply.hijack();
      for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value);
      if (reply.getHeader('access-control-allow-origin') !== undefined) reply.raw.setHeader('access-control-expose-headers', 'Mcp-Session-Id');
      await entry.transport.handleRequest(request.raw, reply.raw, request.body);
    },
  });

  // Before the server waits for its connections: open event streams would hold it up.
  app.addHook('preClose', async () => {
    const all = [...sessions.values()];
    sessions.clear();
    await Promise.all(all.map((e) => e.mcp.close()));
  });
};
