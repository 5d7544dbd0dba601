/**
 * The in-process {@link ApiPort} of `/v0/mcp`: each call goes through the app with Fastify's
 * `inject()`, carrying the MCP caller's own `Authorization` header, so that the API's auth, host
 * rules and checks decide exactly as they would for that caller over the network.
 */
import type { FastifyInstance } from 'fastify';
import { ApiCallError, type ApiAnswer, type ApiPort, type ApiRequest } from './api-port.ts';
import { sessionEvents } from './sse.ts';

function parse(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * @example
 * const port = injectPort(app, request.headers.authorization, () => 'http://127.0.0.1:23373');
 */
export function injectPort(app: FastifyInstance, authorization: string | undefined, baseURL: () => string): ApiPort {
  const headers = (json: boolean): Record<string, string> => ({
    ...(authorization !== undefined ? { authorization } : {}),
    ...(json ? { 'content-type': 'application/json' } : {}),
  });
  return {
    get baseURL() {
      return baseURL();
    },
    async request(req: ApiRequest): Promise<ApiAnswer> {
      const res = await app.inject({
        method: req.method,
        url: req.path,
        headers: headers(req.body !== undefined),
        ...(req.body !== undefined ? { payload: JSON.stringify(req.body) } : {}),
        ...(req.signal ? { signal: req.signal } : {}),
      });
      return { status: res.statusCode, body: parse(res.body) };
    },
    async *events(path: string, signal: AbortSignal): AsyncGenerator<unknown> {
      const res = await app.inject({ method: 'GET', url: path, headers: { ...headers(false), accept: 'text/event-stream' }, payloadAsStream: true, signal });
      const stream = res.stream();
      if (res.statusCode !== 200) {
        let text = '';
        for await (const chunk of stream) text += String(chunk);
        throw ApiCallError.from(res.statusCode, parse(text));
      }
      const stop = (): void => void stream.destroy();
      signal.addEventListener('abort', stop, { once: true });
      try {
        yield* sessionEvents(stream);
      } finally {
        signal.removeEventListener('abort', stop);
        stream.destroy();
      }
    },
  };
}
