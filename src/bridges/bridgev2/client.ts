/**
 * @module bridges/bridgev2/client
 * A small HTTP client for the bridgev2 provisioning API. Every call carries the shared secret as
 * a Bearer token and `user_id` in the query; ordinary calls time out after a few seconds, the
 * `display_and_wait` long-poll gets a much longer (or no) timeout and is ended by an AbortSignal.
 * Failures are {@link ProvisioningError} subclasses; an aborted call rejects with the signal's
 * reason (an `AbortError`), untouched.
 *
 * @example
 * const client = new ProvisioningClient({ baseURL, sharedSecret, userID: '@me:example.org' });
 * const { flows } = await client.flows();
 */

import { systemClock, type Clock } from '../../clock.ts';
import { ProvisioningError, ProvisioningHTTPError, ProvisioningNetworkError, ProvisioningTimeoutError } from './errors.ts';
import type { WireCapabilities, WireLoginFlow, WireStepEnvelope, WireWhoami } from './wire.ts';

export interface ProvisioningClientOptions {
  /** Base URL of the API, ending in `/_matrix/provision` (a trailing slash is fine). */
  baseURL: string;
  sharedSecret: string;
  userID: string;
  fetch?: typeof fetch;
  /** Times the per-call timeouts. */
  clock?: Clock;
  /** Timeout of ordinary calls, in ms. Default 10 000. */
  timeoutMs?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the client's timeout for this call; `0` means none. */
  timeoutMs?: number;
}

interface RequestOptions extends CallOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

export class ProvisioningClient {
  readonly #base: string;
  readonly #secret: string;
  readonly #userID: string;
  readonly #fetch: typeof fetch;
  readonly #clock: Clock;
  readonly #timeoutMs: number;

  constructor(options: ProvisioningClientOptions) {
    this.#base = options.baseURL.replace(/\/+$/, '');
    this.#secret = options.sharedSecret;
    this.#userID = options.userID;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#clock = options.clock ?? systemClock;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  whoami(options?: CallOptions): Promise<WireWhoami> {
    return this.request('GET', ['v3', 'whoami'], options);
  }

  flows(options?: CallOptions): Promise<{ flows?: WireLoginFlow[] | null }> {
    return this.request('GET', ['v3', 'login', 'flows'], options);
  }

  logins(options?: CallOptions): Promise<{ login_ids?: string[] | null }> {
    return this.request('GET', ['v3', 'logins'], options);
  }

  capabilities(options?: CallOptions): Promise<WireCapabilities> {
    return this.request('GET', ['v3', 'capabilities'], options);
  }

  /** `POST /v3/login/start/{flowID}`; `loginID` (a *user login* id) makes it a re-login. */
  startLogin(flowID: string, options: CallOptions & { loginID?: string } = {}): Promise<WireStepEnvelope> {
    return this.request('POST', ['v3', 'login', 'start', flowID], { ...options, query: { login_id: options.loginID } });
  }

  /** `POST /v3/login/step/{processID}/{stepID}/{stepType}?txn_id=…`. */
  submitStep(
    processID: string,
    stepID: string,
    stepType: string,
    options: CallOptions & { txnID?: string; body?: unknown } = {},
  ): Promise<WireStepEnvelope> {
    return this.request('POST', ['v3', 'login', 'step', processID, stepID, stepType], {
      ...options,
      query: { txn_id: options.txnID },
    });
  }

  cancelLogin(processID: string, options?: CallOptions): Promise<unknown> {
    return this.request('POST', ['v3', 'login', 'cancel', processID], options);
  }

  /** `POST /v3/logout/{loginID}`; `loginID` may be `all`. */
  logout(loginID: string, options?: CallOptions): Promise<unknown> {
    return this.request('POST', ['v3', 'logout', loginID], options);
  }

  async request<T>(method: string, segments: string[], options: RequestOptions = {}): Promise<T> {
    const path = '/' + segments.map(encodeURIComponent).join('/');
    const call = `${method} ${path}`;
    const url = new URL(this.#base + path);
    url.searchParams.set('user_id', this.#userID);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    const { signal } = options;
    signal?.throwIfAborted();

    const controller = new AbortController();
    const onAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    let timedOut = false;
    const timer =
      timeoutMs > 0
        ? this.#clock.setTimeout(() => {
            timedOut = true;
            controller.abort();
          }, timeoutMs)
        : undefined;

    const headers: Record<string, string> = { authorization: `Bearer ${this.#secret}`, accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await this.#fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: controller.signal,
      });
      const text = await readCapped(response, MAX_ANSWER_BYTES, call, controller);
      const body = parseJSON(text);
      if (!response.ok) throw new ProvisioningHTTPError(call, response.status, body);
      if (body === undefined || typeof body !== 'object' || body === null) {
        throw new ProvisioningError(call, `HTTP ${response.status} with a body that is not a JSON object`);
      }
      return body as T;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timedOut) throw new ProvisioningTimeoutError(call, timeoutMs);
      if (error instanceof ProvisioningError) throw error;
      throw new ProvisioningNetworkError(call, error);
    } finally {
      timer?.cancel();
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

/** A bridge's answer is read up to this size (captcha images make some large); past it, the call fails. */
export const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** Read a body as text, refusing (and aborting) past `max` bytes, so a broken bridge cannot fill memory. */
async function readCapped(response: Response, max: number, call: string, controller: AbortController): Promise<string> {
  if (!response.body) return '';
  const declared = Number(response.headers.get('content-length'));
  if (declared > max) {
    controller.abort();
    throw new ProvisioningError(call, `the bridge's answer is larger than ${max} bytes`);
  }
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) {
      controller.abort();
      throw new ProvisioningError(call, `the bridge's answer is larger than ${max} bytes`);
    }
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

function parseJSON(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
