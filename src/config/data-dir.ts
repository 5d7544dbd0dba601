/**
 * The data directory holds the database (tokens included) and the first token: only its owner
 * may read it. It is made 0700; an existing one that others can read is tightened when this
 * process's user owns it, and refused when another user does (changing someone else's directory
 * is not ours to do); one that others can write is always refused, since they may already have
 * swapped its files.
 */
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { ConfigError } from './config.ts';

/** Make `dir` if needed, and leave it readable by its owner alone, or throw a `ConfigError` saying why not. */
export function prepareDataDir(dir: string, uid: number | undefined = process.getuid?.()): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = statSync(dir);
  if ((st.mode & 0o022) !== 0) {
    throw new ConfigError(`the data directory ${dir} is writable by other users; make it yours alone (chmod 700)`);
  }
  if ((st.mode & 0o077) === 0) return;
  if (uid !== undefined && st.uid !== uid) {
    throw new ConfigError(`the data directory ${dir} belongs to another user (uid ${st.uid}) and others can read it; use a directory of your own, or have its owner run chmod 700 on it`);
  }
  chmodSync(dir, st.mode & 0o7700);
}
