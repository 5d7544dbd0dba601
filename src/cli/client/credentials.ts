/**
 * @module cli/client/credentials
 * The token `bridge-login login` got by signing in with Matrix, kept for later commands in
 * `$XDG_CONFIG_HOME/bridge-login/credentials.json` (else `~/.config/…`), readable by its owner
 * only. One server at a time: signing in elsewhere replaces it.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** What the file holds. */
export interface StoredCredentials {
  /** The server the token is for; it is never sent to another. */
  baseURL: string;
  userID: string;
  accessToken: string;
  /** ISO 8601. */
  expiresAt: string;
}

/** The file's path for this environment. */
export function credentialsPath(env: Readonly<Record<string, string | undefined>>, homeDir: string): string {
  const configHome = env['XDG_CONFIG_HOME'] && path.isAbsolute(env['XDG_CONFIG_HOME']) ? env['XDG_CONFIG_HOME'] : path.join(homeDir, '.config');
  return path.join(configHome, 'bridge-login', 'credentials.json');
}

/** The stored credentials, or undefined when there are none (or the file is not ours to read). */
export function readCredentials(file: string): StoredCredentials | undefined {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const c = data as Partial<StoredCredentials> | null;
  if (!c || typeof c.baseURL !== 'string' || typeof c.accessToken !== 'string' || typeof c.userID !== 'string' || typeof c.expiresAt !== 'string') return undefined;
  return { baseURL: c.baseURL, userID: c.userID, accessToken: c.accessToken, expiresAt: c.expiresAt };
}

/**
 * Write the credentials, mode 0600 in a 0700 folder. Written to a temporary file first and
 * renamed, so that the token is never in a file others can read, even for a moment.
 */
export function writeCredentials(file: string, credentials: StoredCredentials): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  // The mode given to writeFileSync is cut by the umask and ignored for an existing file.
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}

/** Forget the credentials; false when there were none. */
export function removeCredentials(file: string): boolean {
  try {
    rmSync(file);
    return true;
  } catch {
    return false;
  }
}
