/**
 * @module cli/client/errors
 * What can go wrong when the client talks to the server: one base class, one subclass per kind
 * of failure. Messages name the call that failed (`GET /v1/bridges`).
 */

/** Base of every error the API client throws. */
export class ClientError extends Error {
  override name = 'ClientError';
}

/** The server answered with an error body `{code, message, details?}`. */
export class ApiResponseError extends ClientError {
  override name = 'ApiResponseError';

  constructor(
    /** `GET /v1/bridges`: the call that failed. */
    readonly call: string,
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  /** The field IDs that a validation error (`details.issues[].path = ["body","fields",id]`) names. */
  get fieldIssues(): { fieldID: string; message: string }[] {
    const issues = this.details?.['issues'];
    if (!Array.isArray(issues)) return [];
    const found: { fieldID: string; message: string }[] = [];
    for (const issue of issues as unknown[]) {
      if (typeof issue !== 'object' || issue === null) continue;
      const { path, message } = issue as { path?: unknown; message?: unknown };
      if (Array.isArray(path) && path[0] === 'body' && path[1] === 'fields' && typeof path[2] === 'string') {
        found.push({ fieldID: path[2], message: typeof message === 'string' ? message : 'invalid value' });
      }
    }
    return found;
  }
}

/** The server could not be reached at all (refused, unknown host, reset). */
export class NetworkError extends ClientError {
  override name = 'NetworkError';

  constructor(
    readonly call: string,
    readonly baseURL: string,
    /** The system error code, such as `ECONNREFUSED`, when known. */
    readonly causeCode: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** The server answered, but not with what the API promises (not JSON, wrong shape). */
export class UnexpectedResponseError extends ClientError {
  override name = 'UnexpectedResponseError';

  constructor(
    readonly call: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The caller gave something the command cannot use (bad flag value, missing field value). */
export class UsageError extends Error {
  override name = 'UsageError';

  constructor(
    /** A short snake_case code shown in the error line, such as `missing_field`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The user pressed Ctrl+C (or input ended) while the command was waiting. */
export class InterruptedError extends Error {
  override name = 'InterruptedError';

  constructor(readonly reason: 'interrupt' | 'end-of-input' | 'timeout' = 'interrupt') {
    super(reason === 'interrupt' ? 'interrupted' : reason === 'timeout' ? 'timed out' : 'input ended');
  }
}

/** Whether `err` is the rejection of an aborted `fetch` or wait. */
export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err instanceof InterruptedError);
}
