/**
 * @module cli/client/api-client
 * A small typed client of the public HTTP API: base URL plus Bearer token, one method per
 * route the command line uses, `fetch` injectable. Every failure is a {@link ClientError}.
 */
import type {
  Account,
  Bridge,
  BridgeLogin,
  CreateSessionBody,
  LoginFlow,
  LoginSession,
  RemoveLoginResult,
  RemoveScope,
  SubmitStepBody,
} from './api-types.ts';
import { ApiResponseError, NetworkError, UnexpectedResponseError } from './errors.ts';
import { EventStreamParser } from './event-stream.ts';

export interface ApiClientOptions {
  /** Such as `http://127.0.0.1:23373`; a path prefix is kept. */
  baseURL: string;
  /** Sent as `Authorization: Bearer <token>` when given. */
  token?: string;
  fetch?: typeof fetch;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
}

/**
 * @example
 * const api = new ApiClient({ baseURL: 'http://127.0.0.1:23373', token });
 * const bridges = await api.listBridges();
 */
export class ApiClient {
  readonly baseURL: string;
  private readonly token: string | undefined;
  private readonly fetch: typeof fetch;

  constructor(options: ApiClientOptions) {
    this.baseURL = options.baseURL.replace(/\/+$/, '');
    this.token = options.token;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  listBridges(signal?: AbortSignal): Promise<Bridge[]> {
    return this.request<{ items: Bridge[] }>('GET', '/v1/bridges', { signal }).then((r) => r.items);
  }

  getBridge(bridgeID: string, signal?: AbortSignal): Promise<Bridge> {
    return this.request('GET', `/v1/bridges/${seg(bridgeID)}`, { signal });
  }

  listLoginFlows(bridgeID: string, signal?: AbortSignal): Promise<LoginFlow[]> {
    return this.request<{ items: LoginFlow[] }>('GET', `/v1/bridges/${seg(bridgeID)}/login-flows`, { signal }).then((r) => r.items);
  }

  createLoginSession(bridgeID: string, body: CreateSessionBody, signal?: AbortSignal): Promise<LoginSession> {
    return this.request('POST', `/v1/bridges/${seg(bridgeID)}/login-sessions`, { body, signal });
  }

  getLoginSession(bridgeID: string, sessionID: string, signal?: AbortSignal): Promise<LoginSession> {
    return this.request('GET', sessionPath(bridgeID, sessionID), { signal });
  }

  /**
   * Answer a step. For `display_and_wait`, `waitSeconds` makes the server hold the request until
   * the session changes or that many seconds pass (long-poll).
   */
  submitStep(
    bridgeID: string,
    sessionID: string,
    stepID: string,
    body: SubmitStepBody,
    options: { waitSeconds?: number; signal?: AbortSignal } = {},
  ): Promise<LoginSession> {
    return this.request('POST', `${sessionPath(bridgeID, sessionID)}/steps/${seg(stepID)}`, {
      body,
      query: { wait: options.waitSeconds },
      signal: options.signal,
    });
  }

  /**
   * The session's live events (`GET …/events`, a server extension): its state at once, then on
   * every change, until the server closes the stream or `signal` aborts.
   */
  async *sessionEvents(bridgeID: string, sessionID: string, signal?: AbortSignal): AsyncGenerator<LoginSession> {
    const path = `${sessionPath(bridgeID, sessionID)}/events`;
    const call = `GET ${path}`;
    const response = await this.send(call, 'GET', path, { signal }, 'text/event-stream');
    if (!response.ok || !response.headers.get('content-type')?.startsWith('text/event-stream')) {
      await this.read<unknown>(call, response);
      throw new UnexpectedResponseError(call, response.status, `${call} did not answer with an event stream`);
    }
    if (!response.body) return;
    const parser = new EventStreamParser();
    const decoder = new TextDecoder();
    for await (const chunk of response.body) {
      for (const event of parser.push(decoder.decode(chunk, { stream: true }))) {
        if (event.event === 'session') yield JSON.parse(event.data) as LoginSession;
      }
    }
  }

  cancelLoginSession(bridgeID: string, sessionID: string, signal?: AbortSignal): Promise<{ status: 'cancelled' }> {
    return this.request('DELETE', sessionPath(bridgeID, sessionID), { signal });
  }

  listLogins(bridgeID: string, signal?: AbortSignal): Promise<BridgeLogin[]> {
    return this.request<{ items: BridgeLogin[] }>('GET', `/v1/bridges/${seg(bridgeID)}/logins`, { signal }).then((r) => r.items);
  }

  getLogin(bridgeID: string, loginID: string, signal?: AbortSignal): Promise<BridgeLogin> {
    return this.request('GET', `/v1/bridges/${seg(bridgeID)}/logins/${seg(loginID)}`, { signal });
  }

  removeLogin(bridgeID: string, loginID: string, scope: RemoveScope, signal?: AbortSignal): Promise<RemoveLoginResult> {
    return this.request('POST', `/v1/bridges/${seg(bridgeID)}/logins/${seg(loginID)}/remove`, { body: { scope }, signal });
  }

  listAccounts(signal?: AbortSignal): Promise<Account[]> {
    return this.request('GET', '/v1/accounts', { signal });
  }

  /** One call: JSON in, JSON out, errors turned into {@link ClientError}s. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const call = `${method} ${path}`;
    return this.read<T>(call, await this.send(call, method, path, options, 'application/json'));
  }

  private async send(call: string, method: string, path: string, options: RequestOptions, accept: string): Promise<Response> {
    const url = new URL(this.baseURL + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept };
    if (this.token) headers['authorization'] = `Bearer ${this.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await this.fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
      });
    } catch (err) {
      if (err instanceof Error && err.name === 'AbortError') throw err;
      throw toNetworkError(call, this.baseURL, err);
    }
  }

  /** The JSON body of a success; the error body of a failure, thrown as an {@link ApiResponseError}. */
  private async read<T>(call: string, response: Response): Promise<T> {
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new UnexpectedResponseError(call, response.status, `${call} answered ${response.status} with a body that is not JSON`);
    }
    if (!response.ok) {
      if (isErrorBody(json)) throw new ApiResponseError(call, response.status, json.code, json.message, json.details);
      throw new UnexpectedResponseError(call, response.status, `${call} answered ${response.status} without an error body`);
    }
    // 204 No Content (a revocation) has nothing to return.
    if (json === undefined && response.status === 204) return undefined as T;
    if (json === undefined) throw new UnexpectedResponseError(call, response.status, `${call} answered ${response.status} with an empty body`);
    return json as T;
  }
}

function seg(id: string): string {
  return encodeURIComponent(id);
}

function sessionPath(bridgeID: string, sessionID: string): string {
  return `/v1/bridges/${seg(bridgeID)}/login-sessions/${seg(sessionID)}`;
}

function isErrorBody(json: unknown): json is { code: string; message: string; details?: Record<string, unknown> } {
  return (
    typeof json === 'object' &&
    json !== null &&
    typeof (json as { code?: unknown }).code === 'string' &&
    typeof (json as { message?: unknown }).message === 'string'
  );
}

/** `fetch` rejects with `TypeError: fetch failed` and the system error as its `cause`. */
function toNetworkError(call: string, baseURL: string, err: unknown): NetworkError {
  let cause: unknown = err;
  while (cause instanceof Error && cause.cause !== undefined && !(typeof (cause as { code?: unknown }).code === 'string')) cause = cause.cause;
  const code = typeof (cause as { code?: unknown })?.code === 'string' ? (cause as { code: string }).code : undefined;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new NetworkError(call, baseURL, code, `${call}: cannot reach ${baseURL} (${reason})`);
}
