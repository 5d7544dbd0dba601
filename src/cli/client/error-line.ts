/**
 * @module cli/client/error-line
 * Turns any failure into the one line a person reads (`error: <code>: <message>`), a hint for
 * the common ones, and the exit code. Never a stack trace.
 */
import type { Connection } from './connection.ts';
import { ApiResponseError, InterruptedError, NetworkError, UnexpectedResponseError, UsageError } from './errors.ts';
import { ExitCode } from './exit-codes.ts';
import { MatrixLoginError } from './matrix-sign-in.ts';

export interface ErrorReport {
  /** `error: <code>: <message>` */
  line: string;
  hint?: string;
  exitCode: ExitCode;
}

export interface ErrorContext {
  connection?: Connection;
  /** Where the token file would be; named when no token was found. */
  tokenFilePath?: string;
}

const CREATE_TOKEN = 'create one with `npx bridge-login token create`, then pass it with --token or set BEEPER_ACCESS_TOKEN';
const START_SERVER = 'Start it with `npm start` or `npx bridge-login serve`, or point --base-url (BEEPER_BASE_URL) at a running server';

/**
 * @example
 * describeError(new UsageError('missing_field', 'no value for "code"')).line
 * // → 'error: missing_field: no value for "code"'
 */
export function describeError(err: unknown, context: ErrorContext = {}): ErrorReport {
  if (err instanceof ApiResponseError) return describeApiError(err, context);
  if (err instanceof NetworkError) return describeNetworkError(err);
  if (err instanceof UnexpectedResponseError) {
    return {
      line: `error: unexpected_response: ${err.message}`,
      hint: `is ${context.connection?.baseURL ?? 'the base URL'} a bridge-login server (or another server with the same API)?`,
      exitCode: ExitCode.failed,
    };
  }
  if (err instanceof MatrixLoginError) {
    const exitCode = err.reason === 'invalid_credentials' ? ExitCode.noPermission : err.reason === 'unreachable' ? ExitCode.unavailable : ExitCode.failed;
    return { line: `error: matrix_${err.reason}: ${err.message}`, exitCode };
  }
  if (err instanceof UsageError) return { line: `error: ${err.code}: ${err.message}`, exitCode: ExitCode.usage };
  if (err instanceof InterruptedError) return { line: `error: cancelled: ${err.message}`, exitCode: ExitCode.cancelled };
  const message = err instanceof Error ? err.message : String(err);
  return { line: `error: internal_error: ${message}`, exitCode: ExitCode.failed };
}

function describeApiError(err: ApiResponseError, { connection, tokenFilePath }: ErrorContext): ErrorReport {
  const line = `error: ${err.code}: ${err.message}`;
  switch (err.code) {
    case 'missing_token': {
      const where = connection?.tokenSource === 'none' && tokenFilePath ? ` (none was given, and there is no token file at ${tokenFilePath})` : '';
      return { line, hint: `this server needs an access token${where}: ${CREATE_TOKEN}`, exitCode: ExitCode.noPermission };
    }
    case 'invalid_token':
      return { line, hint: `the token ${tokenOrigin(connection)} was refused; ${CREATE_TOKEN}`, exitCode: ExitCode.noPermission };
    case 'forbidden_host':
      return { line, hint: 'use 127.0.0.1 or localhost in --base-url, or allow this host in the server configuration', exitCode: ExitCode.noPermission };
    case 'bridge_unavailable':
      return { line, hint: 'the bridge cannot be reached right now; try again in a moment', exitCode: ExitCode.unavailable };
    case 'rate_limited':
      return { line, hint: 'too many requests or login sessions right now; wait a little and try again', exitCode: ExitCode.failed };
    case 'unknown_flow':
      return { line, hint: 'leave out --flow to choose from the flows the bridge offers', exitCode: ExitCode.failed };
    case 'login_limit_reached':
      return { line, hint: 'remove a login with `bridge-login remove`, or reconnect one with --login', exitCode: ExitCode.failed };
    case 'user_not_allowed':
      return { line, hint: 'ask whoever runs this server to add you to matrix.allowedUsers', exitCode: ExitCode.noPermission };
    case 'invalid_openid_token':
      return { line, hint: 'the homeserver did not vouch for you; sign in again', exitCode: ExitCode.noPermission };
    case 'forbidden':
      return { line, hint: 'only the server\'s owner may do this', exitCode: ExitCode.noPermission };
    case 'homeserver_unavailable':
      return { line, hint: 'this server cannot reach your homeserver right now; try again in a moment', exitCode: ExitCode.unavailable };
    case 'store_unavailable':
      return { line, hint: 'the server cannot reach its database right now; try again in a moment', exitCode: ExitCode.unavailable };
    case 'not_found':
      return { line, hint: '`bridge-login bridges` lists the bridges, `bridge-login logins <bridgeID>` their logins', exitCode: ExitCode.failed };
    default:
      return { line, exitCode: err.status === 503 ? ExitCode.unavailable : ExitCode.failed };
  }
}

function tokenOrigin(connection: Connection | undefined): string {
  switch (connection?.tokenSource) {
    case 'flag':
      return 'given with --token';
    case 'env':
      return 'in BEEPER_ACCESS_TOKEN';
    case 'file':
      return "from the server's token file";
    case 'credentials':
      return 'saved by `bridge-login login` (it may have expired or been revoked; sign in again)';
    default:
      return 'given';
  }
}

function describeNetworkError(err: NetworkError): ErrorReport {
  switch (err.causeCode) {
    case 'ECONNREFUSED':
      return {
        line: `error: connection_refused: no server is listening at ${err.baseURL}`,
        hint: `is the server running? ${START_SERVER}`,
        exitCode: ExitCode.unavailable,
      };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { line: `error: unknown_host: ${err.message}`, hint: 'check --base-url (BEEPER_BASE_URL)', exitCode: ExitCode.unavailable };
    default:
      return { line: `error: network_error: ${err.message}`, exitCode: ExitCode.unavailable };
  }
}
