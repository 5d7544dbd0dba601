/**
 * No answer leaves before the writes made so far are saved: what a client is told survives a
 * crash. An answer whose writes could not be saved is replaced by a 500.
 */
import fp from 'fastify-plugin';
import type { FastifyPluginCallback } from 'fastify';
import { ApiError } from '../errors.ts';

/** Where the durability hook learns that the writes made so far are saved. */
export interface DurabilityOptions {
  /** Calls `done(true)` once every write made so far is saved, `done(false)` if saving failed. */
  whenSaved(done: (saved: boolean) => void): void;
}

/** The answer to a request whose changes could not be saved (the failure is logged where it happened). */
function notSaved(): ApiError {
  return new ApiError('internal_error', 'The server could not save this change (a storage error, logged); it may not have taken effect. Please try again.');
}

const durability: FastifyPluginCallback<DurabilityOptions> = (app, { whenSaved }, done) => {
  app.addHook('onSend', (_request, _reply, payload, next) => whenSaved((saved) => (saved ? next(null, payload) : next(notSaved()))));
  done();
};

/** Holds every answer until its writes are saved. */
export const saveBeforeAnswer = fp(durability, { name: 'save-before-answer' });
