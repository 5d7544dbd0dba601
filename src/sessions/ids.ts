/** Login session IDs. */
import { randomFillSync } from 'node:crypto';

/**
 * 128 random bits, base64url. Drawn from the system's CSPRNG 256 IDs at a time, as
 * `crypto.randomUUID` does: one call per ID cost a share of a login (docs/benchmarks.md).
 */
export const randomID = ((): (() => string) => {
  const pool = Buffer.alloc(16 * 256);
  let offset = pool.length;
  return () => {
    if (offset === pool.length) {
      randomFillSync(pool);
      offset = 0;
    }
    offset += 16;
    return pool.toString('base64url', offset - 16, offset);
  };
})();
