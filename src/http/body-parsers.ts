/**
 * Request bodies are JSON or nothing: an empty body counts as none, a compressed or non-JSON
 * body is 415 `unsupported_media_type`, and unparsable JSON is 400 `invalid_json`.
 */
import fp from 'fastify-plugin';
import type { FastifyPluginCallback } from 'fastify';
import { ApiError, MESSAGES, invalidJSON } from '../errors.ts';

function notJSON(): ApiError {
  return new ApiError('unsupported_media_type', MESSAGES.unsupported_media_type);
}

/** Whether a body comes compressed (or otherwise encoded): this server reads plain JSON only. */
function isEncoded(encoding: string | string[] | undefined): boolean {
  return encoding !== undefined && !(typeof encoding === 'string' && /^\s*(identity)?\s*$/i.test(encoding));
}

const parsers: FastifyPluginCallback = (app, _opts, done) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, parsed) => {
    if (isEncoded(req.headers['content-encoding'])) return parsed(notJSON(), undefined);
    if (body === '') return parsed(null, undefined);
    try {
      parsed(null, JSON.parse(body as string));
    } catch {
      parsed(invalidJSON(), undefined);
    }
  });
  // Any other content type: an empty body is no body (some HTTP libraries label an empty POST as
  // a form); a body is refused.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, parsed) => {
    if ((body as Buffer).length === 0) return parsed(null, undefined);
    parsed(notJSON(), undefined);
  });
  done();
};

/** The app's only body parsers: JSON, or an empty body. */
export const jsonBodies = fp(parsers, { name: 'json-bodies' });
