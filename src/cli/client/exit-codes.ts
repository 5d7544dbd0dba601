/**
 * @module cli/client/exit-codes
 * Exit codes of the client commands. The first four are the contract for scripts; the rest
 * follow the BSD `sysexits` numbering so that a script can tell "cannot reach the server"
 * and "not allowed" apart from a failed login.
 */
export const ExitCode = {
  /** The command did what it was asked; for `connect`, the login is complete. */
  ok: 0,
  /** The login failed, or the server refused the request. */
  failed: 1,
  /** The login was cancelled (Ctrl+C, `--timeout`, or by someone else). */
  cancelled: 2,
  /** Bad flags or arguments, or missing field values in `--json` mode (EX_USAGE). */
  usage: 64,
  /** The server is not reachable or the bridge is unavailable (EX_UNAVAILABLE). */
  unavailable: 69,
  /** Missing or rejected access token, or a refused host (EX_NOPERM). */
  noPermission: 77,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
