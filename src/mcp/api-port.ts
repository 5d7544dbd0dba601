/**
 * The one door through which the MCP tools reach bridge-login: its public HTTP API, behind a
 * small interface. `/v0/mcp` passes the caller's own request through the app in process
 * (`inject-port.ts`); `bridge-login mcp` calls a running server over the network (`fetch-port.ts`).
 * Either way auth, host rules and every check of the API apply unchanged.
 */

/** A request to the API: a path under the server's base URL, with an optional JSON body. */
export interface ApiRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  /** Ends a long-poll early (the tool call was cancelled). */
  signal?: AbortSignal;
}

/** The API's answer: status and parsed JSON body. */
export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** What the tools need from the server. */
export interface ApiPort {
  /** Calls the API; resolves with any status (the caller turns non-2xx into {@link ApiCallError}). */
  request(req: ApiRequest): Promise<ApiAnswer>;
  /**
   * The session's event stream (`…/events`): each `LoginSession` as it changes, ending after a
   * terminal state or when `signal` fires. Rejects with {@link ApiCallError} when refused.
   */
  events(path: string, signal: AbortSignal): AsyncIterable<unknown>;
  /** The server's base URL, for links shown to the person (the web page). */
  readonly baseURL: string;
}

/** A non-2xx answer of the API, or a server that could not be reached (`status` 0). */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }

  /** From an error body in the contract's shape (`{code, message}`), or whatever came back. */
  static from(status: number, body: unknown): ApiCallError {
    const b = (typeof body === 'object' && body !== null ? body : {}) as { code?: unknown; message?: unknown };
    const code = typeof b.code === 'string' ? b.code : `http_${status}`;
    const message = typeof b.message === 'string' ? b.message : `the server answered ${status}`;
    return new ApiCallError(status, code, message);
  }
}

/**
 * The body of a 2xx answer, or an {@link ApiCallError}.
 *
 * @example
 * const bridges = await call<{ items: Bridge[] }>(port, { method: 'GET', path: '/v1/bridges' });
 */
export async function call<T>(port: ApiPort, req: ApiRequest): Promise<T> {
  const answer = await port.request(req);
  if (answer.status < 200 || answer.status > 299) throw ApiCallError.from(answer.status, answer.body);
  return answer.body as T;
}

/** `/v1/bridges/{bridgeID}/login-sessions/{id}` with both parts escaped. */
export function sessionPath(bridgeID: string, loginSessionID: string): string {
  return `/v1/bridges/${encodeURIComponent(bridgeID)}/login-sessions/${encodeURIComponent(loginSessionID)}`;
}
