/**
 * The one place that turns any failure into the contract's error body (`api.md` §2):
 * `ApiError`s as they are, Fastify's own errors (validation, body limit, media type, JSON)
 * mapped to their codes, anything else a 500 that says nothing internal.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isUnavailable } from '../store/pg/errors.ts';
import { ApiError, MESSAGES, NO_RETRY_CODES, internalError, invalidJSON, invalidRequest, storeUnavailable, type ValidationIssue } from '../errors.ts';

interface AjvIssue {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

const CONTEXT_NAMES: Record<string, string> = { body: 'body', params: 'path', querystring: 'query', headers: 'headers' };

/** Ajv's errors as `details.issues`, with `path` like `["body", "fields", "password"]`. */
export function issuesFromAjv(errors: AjvIssue[], context: string): ValidationIssue[] {
  const root = CONTEXT_NAMES[context] ?? context;
  const pathOf = (e: AjvIssue): (string | number)[] => {
    const path: (string | number)[] = [root];
    for (const seg of e.instancePath.split('/').slice(1)) {
      const s = seg.replace(/~1/g, '/').replace(/~0/g, '~');
      path.push(/^\d+$/.test(s) ? Number(s) : s);
    }
    if (e.keyword === 'required' && typeof e.params.missingProperty === 'string') path.push(e.params.missingProperty);
    return path;
  };
  // A union of literals fails once per literal (`const`) and once as a whole (`anyOf`): one
  // issue per place, naming the values the schema allows (never the value that was sent).
  const located = errors.map((e) => {
    const path = pathOf(e);
    return { e, path, key: path.join('/') };
  });
  const allowed = new Map<string, unknown[]>();
  for (const { e, key } of located) {
    const values = e.keyword === 'const' ? [e.params.allowedValue] : e.keyword === 'enum' ? (e.params.allowedValues as unknown[] | undefined) : undefined;
    if (values) allowed.set(key, [...(allowed.get(key) ?? []), ...values]);
  }
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const { e, path, key } of located) {
    const where = path.slice(1).join('.') || root;
    const choice = e.keyword === 'enum' || e.keyword === 'const' || e.keyword === 'anyOf';
    // "must be string" says less than the list of allowed values for the same place.
    if (e.keyword === 'type' && allowed.has(key)) continue;
    const dedupe = `${key}|${choice ? 'choice' : e.keyword}`;
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    let message = `${where} ${e.message ?? 'is invalid'}`;
    if (e.keyword === 'required') message = `${where} is required`;
    if (choice) {
      const values = allowed.get(key);
      message = values ? `${where} must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}` : `${where} has a value that is not allowed`;
    }
    issues.push({ code: e.keyword, message, path });
    if (issues.length >= 20) break;
  }
  return issues;
}

/** Map any error to an `ApiError`. */
export function toApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  const e = err as Partial<FastifyError> & { validation?: AjvIssue[]; validationContext?: string };
  if (e.validation) {
    return invalidRequest(issuesFromAjv(e.validation, e.validationContext ?? 'body'));
  }
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return invalidJSON();
  }
  if (e instanceof SyntaxError) return invalidJSON();
  // The database (PostgreSQL) is down or restarting: the request may be retried (api.md §11).
  if (isUnavailable(err)) return storeUnavailable();
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    // Fastify's FST_ERR_CTP_BODY_TOO_LARGE and FST_ERR_CTP_INVALID_MEDIA_TYPE carry these statuses.
    if (e.statusCode === 413) return new ApiError('payload_too_large', MESSAGES.payload_too_large);
    if (e.statusCode === 415) return new ApiError('unsupported_media_type', MESSAGES.unsupported_media_type);
    const message = 'the request is malformed';
    return invalidRequest([{ code: e.code ?? 'malformed', message, path: [] }], message);
  }
  return undefined;
}

/** Send an `ApiError` with its status, headers and `x-should-retry: false` where it applies. */
export function sendApiError(reply: FastifyReply, err: ApiError): FastifyReply {
  reply.code(err.status);
  if (err.headers) reply.headers(err.headers);
  if (NO_RETRY_CODES.has(err.code)) reply.header('x-should-retry', 'false');
  if (err.status === 401) reply.header('www-authenticate', 'Bearer');
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(err.toBody()));
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    let api = toApiError(err);
    if (!api) {
      request.log.error({ err }, 'unhandled error');
      api = internalError();
    }
    return sendApiError(reply, api);
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) =>
    sendApiError(reply, new ApiError('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`)),
  );
}
