/**
 * The network {@link ApiPort} of `bridge-login mcp`: the MCP server on standard input and output is
 * a client of a running bridge-login server, reached with `fetch` and a Bearer token.
 */
import { ApiCallError, type ApiAnswer, type ApiPort, type ApiRequest } from './api-port.ts';
import { sessionEvents } from './sse.ts';

export interface FetchPortOptions {
  baseURL: string;
  token?: string;
  /** Injectable for tests; the global `fetch` by default. */
  fetch?: typeof fetch;
}

function unreachable(baseURL: string, err: unknown): ApiCallError {
  const why = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
  return new ApiCallError(0, 'server_unreachable', `bridge-login at ${baseURL} could not be reached (${why}); is it running (bridge-login serve)?`);
}

async function parse(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * @example
 * const port = fetchPort({ baseURL: 'http://127.0.0.1:23373', token: process.env.BEEPER_ACCESS_TOKEN });
 */
export function fetchPort(options: FetchPortOptions): ApiPort {
  const doFetch = options.fetch ?? fetch;
  const baseURL = options.baseURL.replace(/\/+$/, '');
  const headers = (extra: Record<string, string>): Record<string, string> => ({
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...extra,
  });
  const send = async (url: string, init: RequestInit): Promise<Response> => {
    try {
      return await doFetch(url, init);
    } catch (err) {
      if (init.signal?.aborted) throw err;
      throw unreachable(baseURL, err);
    }
  };
  return {
    baseURL,
    async request(req: ApiRequest): Promise<ApiAnswer> {
      const res = await send(baseURL + req.path, {
        method: req.method,
        headers: headers(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
        ...(req.signal ? { signal: req.signal } : {}),
      });
      return { status: res.status, body: await parse(res) };
    },
    async *events(path: string, signal: AbortSignal): AsyncGenerator<unknown> {
      const res = await send(baseURL + path, { headers: headers({ accept: 'text/event-stream' }), signal });
      if (res.status !== 200 || !res.body) throw ApiCallError.from(res.status, await parse(res));
      try {
        yield* sessionEvents(res.body as unknown as AsyncIterable<Uint8Array>);
      } catch (err) {
        // The stream ends with an abort error when we stop following it: that is its normal end.
        if (!signal.aborted) throw err;
      }
    },
  };
}
