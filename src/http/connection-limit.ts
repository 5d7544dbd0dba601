/**
 * How many connections the server may hold open at once. Each takes a file descriptor, and so
 * do the database, the bridges' own connections and the log: a flood of connections that reaches
 * the process's open-file limit (EMFILE) breaks all of these, not just new connections. The
 * limit is kept a quarter (at least 64) below the open-file limit, read from the kernel, so
 * that the process never reaches it.
 */
import { readFileSync } from 'node:fs';

/** Used where the open-file limit cannot be read (it is read from Linux's /proc). */
export const FALLBACK_MAX_CONNECTIONS = 4096;

/** The soft open-file limit (`ulimit -n`) of this process, or undefined when it cannot be read. */
export function openFileLimit(readLimits: () => string = () => readFileSync('/proc/self/limits', 'utf8')): number | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readLimits());
    if (!m || m[1] === 'unlimited') return undefined;
    return Number(m[1]);
  } catch {
    return undefined;
  }
}

/** Most connections to hold open under an open-file limit of `fileLimit` (a configured value is kept below it too). */
export function maxConnectionsFor(fileLimit: number | undefined, configured?: number): number {
  const safe = fileLimit === undefined ? FALLBACK_MAX_CONNECTIONS : Math.max(1, fileLimit - Math.max(64, Math.ceil(fileLimit / 4)));
  return configured === undefined ? safe : Math.min(configured, fileLimit === undefined ? configured : safe);
}
