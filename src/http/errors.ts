/**
 * The error catalogue moved to `src/errors.ts` (the domain throws it without knowing HTTP).
 * Kept so that HTTP-layer modules importing this path keep compiling; import `../errors.ts`.
 */
export * from '../errors.ts';
