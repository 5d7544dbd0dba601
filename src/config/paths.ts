/**
 * @module config/paths
 * Where the server keeps its files by default. The data directory holds the SQLite database
 * and the first access token (`access-token`, readable by its owner only).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder at or above `dir` that holds a package.json. */
function packageRoot(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, 'package.json'))) return d;
    if (path.dirname(d) === d) return dir;
  }
}

/** The project's root folder (the one with package.json), from the sources or from `dist/`. */
export const projectRoot = packageRoot(path.dirname(fileURLToPath(import.meta.url)));

/** The data directory used when none is given: `data/` under the project. */
export function defaultDataDir(): string {
  return path.join(projectRoot, 'data');
}

/** Name of the file, inside the data directory, that holds the token created on first start. */
export const TOKEN_FILE_NAME = 'access-token';

/** Name of the SQLite database file inside the data directory. */
export const DATABASE_FILE_NAME = 'bridge-login.sqlite';
