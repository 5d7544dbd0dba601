/**
 * Test helper: a bare Fastify app with the contract's error handling and one echo route, to
 * test one HTTP plugin of src/http/ on its own.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { registerErrorHandling } from '../../src/http/error-handler.ts';

/** A Fastify app with error handling, after `setup` has registered the plugins under test; `POST /echo` and `GET /v1/x` answer. */
export async function bareApp(setup: (app: FastifyInstance) => unknown): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  registerErrorHandling(app);
  await setup(app);
  app.post('/echo', async (request) => ({ body: request.body ?? null }));
  app.get('/v1/x', async (request) => ({ requestID: request.id }));
  await app.ready();
  return app;
}
