/**
 * The real app with a {@link HostileBridge}, as a process of its own (run with `node --import
 * tsx`): a test of what a bridge can do to the event loop must not share that loop, or a frozen
 * server would freeze the test and its timeout too. Prints `{"url", "token"}` once listening.
 */
import { buildApp } from '../../src/app.ts';
import { testConfig } from './server.ts';
import { HostileBridge } from './hostile-bridge.ts';

const app = await buildApp({ config: testConfig(), bridges: [new HostileBridge()], logger: false });
const { token } = await app.tokens.create('test', Date.now());
await app.fastify.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url: app.baseURL(), token })}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
