/**
 * @module oauth/forms
 * The protocol routes' own body parser and error shape: OAuth requests are form-encoded
 * (RFC 6749 §4.1.3, RFC 7009, RFC 7662), registration is JSON (RFC 7591), and every error is
 * `{"error", "error_description"}` with the status the RFCs give. Both apply only inside the
 * plugin that registers the `/oauth/` routes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, storeUnavailable } from '../errors.ts';
import { isUnavailable } from '../store/pg/errors.ts';

/** An OAuth error answer (RFC 6749 §5.2 and the RFCs that reuse its shape). */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
    readonly headers?: Record<string, string>,
  ) {
    super(description);
  }
}

/** Parse `application/x-www-form-urlencoded`; a repeated parameter is refused (RFC 6749 §3.1). */
export function parseForm(body: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of new URLSearchParams(body)) {
    if (key in out) throw new OAuthError('invalid_request', `the parameter ${JSON.stringify(key)} is repeated`);
    out[key] = value;
  }
  return out;
}

function toOAuthError(err: unknown): OAuthError | undefined {
  if (err instanceof OAuthError) return err;
  // The database is down or restarting (the library wraps the model's errors in `inner`): the
  // API's retryable store_unavailable (api.md §11), in OAuth's shape, not a server error.
  if (isUnavailable(err) || isUnavailable((err as { inner?: unknown } | undefined)?.inner)) {
    const e = storeUnavailable();
    return new OAuthError(e.code, e.message, e.status, e.headers);
  }
  if (err instanceof ApiError) {
    if (err.status >= 500) return undefined;
    return new OAuthError(err.status === 401 ? 'invalid_token' : 'invalid_request', err.message, err.status, err.headers);
  }
  const e = err as { statusCode?: number; code?: string; message?: string };
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new OAuthError('invalid_request', e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'the request body is too large' : 'the request is malformed', e.statusCode);
  }
  return undefined;
}

/** Send an OAuth error; never cached (RFC 6749 §5.1). */
export function sendOAuthError(reply: FastifyReply, err: OAuthError): FastifyReply {
  if (err.headers) reply.headers(err.headers);
  return reply
    .code(err.status)
    .header('cache-control', 'no-store')
    .type('application/json; charset=utf-8')
    .send(JSON.stringify({ error: err.error, error_description: err.description }));
}

/** Give the plugin `app` form bodies and OAuth's error shape. */
export function oauthForms(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseForm(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const known = toOAuthError(err);
    if (known) return sendOAuthError(reply, known);
    request.log.error({ err }, 'unhandled error in an OAuth route');
    return sendOAuthError(reply, new OAuthError('server_error', 'Something went wrong on the server. The error was logged.', 500));
  });
}

/** The form of a request, or a clear error when it is not one. */
export function formOf(request: FastifyRequest): Record<string, string> {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(type) || typeof request.body !== 'object' || request.body === null) {
    throw new OAuthError('invalid_request', 'send the parameters form-encoded (Content-Type: application/x-www-form-urlencoded)');
  }
  return request.body as Record<string, string>;
}
