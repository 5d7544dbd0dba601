/**
 * @module cli/client/terminal/durations
 * How long something is still valid, in words a person reads at a glance.
 */

/**
 * @example formatRemaining(75_000) // → '1:15'
 * @example formatRemaining(9_400) // → '10 s'
 */
export function formatRemaining(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes >= 60) return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Milliseconds from `now` until the ISO time `iso`, or `undefined` when `iso` is absent or bad. */
export function msUntil(iso: string | undefined, now: number): number | undefined {
  if (!iso) return undefined;
  const at = Date.parse(iso);
  return Number.isNaN(at) ? undefined : at - now;
}
