/**
 * Each login session as a resource, `bridge-login://sessions/{bridgeID}/{loginSessionID}`, and
 * `resources/subscribe` on it. A subscription follows the session's event stream (`…/events`),
 * the change feed the API's own clients watch: it reports every change, on every kind of step
 * (the long-poll only waits on display steps), and ends by itself after a terminal state.
 */
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpError, SubscribeRequestSchema, UnsubscribeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { ApiCallError, call, sessionPath, type ApiPort } from './api-port.ts';
import { sessionView } from './render.ts';
import type { LoginSession } from './wire.ts';

const PREFIX = 'bridge-login://sessions/';
/** JSON-RPC code of "resource not found" (MCP specification, resources). */
const RESOURCE_NOT_FOUND = -32002;

/** The resource URI of a session. */
export function sessionURI(bridgeID: string, loginSessionID: string): string {
  return `${PREFIX}${encodeURIComponent(bridgeID)}/${encodeURIComponent(loginSessionID)}`;
}

/** The session a URI names, or undefined when it names none. */
export function parseSessionURI(uri: string): { bridgeID: string; loginSessionID: string } | undefined {
  if (!uri.startsWith(PREFIX)) return undefined;
  const parts = uri.slice(PREFIX.length).split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  try {
    return { bridgeID: decodeURIComponent(parts[0]), loginSessionID: decodeURIComponent(parts[1]) };
  } catch {
    return undefined;
  }
}

function notFound(uri: string, err?: unknown): McpError {
  const why = err instanceof ApiCallError ? `: ${err.message}` : '';
  return new McpError(RESOURCE_NOT_FOUND, `Resource not found${why}`, { uri });
}

/**
 * Registers the session resources and their subscriptions on `server`; returns a function that
 * ends every subscription (called when the MCP session closes).
 */
export function registerSessionResources(server: McpServer, port: ApiPort): () => void {
  server.registerResource(
    'login-session',
    new ResourceTemplate(`${PREFIX}{bridgeID}/{loginSessionID}`, { list: undefined }),
    {
      title: 'Login session',
      description: 'A login session as JSON (api.md LoginSession); subscribe to hear when it changes.',
      mimeType: 'application/json',
    },
    async (uri) => {
      const ids = parseSessionURI(uri.href);
      if (!ids) throw notFound(uri.href);
      const session = await call<LoginSession>(port, { method: 'GET', path: sessionPath(ids.bridgeID, ids.loginSessionID) }).catch((err: unknown) => {
        throw err instanceof ApiCallError && err.status === 404 ? notFound(uri.href, err) : err;
      });
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(sessionView(session)) }] };
    },
  );

  const subscriptions = new Map<string, AbortController>();
  server.server.registerCapabilities({ resources: { subscribe: true } });
  server.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    const uri = request.params.uri;
    const ids = parseSessionURI(uri);
    if (!ids) throw notFound(uri);
    if (subscriptions.has(uri)) return {};
    const stop = new AbortController();
    const events = port.events(`${sessionPath(ids.bridgeID, ids.loginSessionID)}/events`, stop.signal)[Symbol.asyncIterator]();
    // The first event is the session as it is now: it proves the session exists and is the caller's.
    try {
      await events.next();
    } catch (err) {
      throw err instanceof ApiCallError && err.status === 404 ? notFound(uri, err) : err;
    }
    subscriptions.set(uri, stop);
    void (async () => {
      for (let e = await events.next(); !e.done; e = await events.next()) await server.server.sendResourceUpdated({ uri });
    })()
      .catch(() => {
        // The stream broke or the MCP session closed: the subscription simply ends.
      })
      .finally(() => {
        if (subscriptions.get(uri) === stop) subscriptions.delete(uri);
      });
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    subscriptions.get(request.params.uri)?.abort();
    subscriptions.delete(request.params.uri);
    return {};
  });
  return () => {
    for (const stop of subscriptions.values()) stop.abort();
    subscriptions.clear();
  };
}
