/**
 * Start a configured server: open the data directory, make the first token when there is
 * none, build the app, listen, and print where it is.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildApp, type App } from './app.ts';
import type { Config } from './config/config.ts';
import { prepareDataDir } from './config/data-dir.ts';
import { TOKEN_FILE_NAME } from './config/paths.ts';
import { LISTENING_MESSAGE } from './http/logging.ts';
import { isTerminal, prettyLogStream } from './http/pretty-log.ts';
import { createBridgev2Bridges } from './bridges/external.ts';

/** Create the first token when none exists, and write it to an owner-only file. */
async function ensureFirstToken(app: App, file: string): Promise<{ token?: string; created: boolean }> {
  if (await app.tokens.isEmpty()) {
    const { token } = await app.tokens.create('first-start', Date.now());
    // A fresh owner-only file: never one left there before (its mode, or a planted symlink).
    rmSync(file, { force: true });
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return { token, created: true };
  }
  try {
    const token = readFileSync(file, 'utf8').trim();
    if ((await app.tokens.verify(token, Date.now())) !== undefined) return { token, created: false };
  } catch {
    // No token file: the owner has their own tokens.
  }
  return { created: false };
}

export async function startServer(config: Config, out: NodeJS.WritableStream): Promise<App> {
  prepareDataDir(config.dataDir);
  // Readable lines for a person at a terminal, JSON for everything else (and when asked).
  const pretty = config.logFormat === 'pretty' || (config.logFormat === 'auto' && isTerminal(out));
  const app = await buildApp({ config, externalBridges: createBridgev2Bridges, ...(pretty ? { logStream: await prettyLogStream(out) } : {}) });
  const tokenFile = path.join(config.dataDir, TOKEN_FILE_NAME);
  const first = await ensureFirstToken(app, tokenFile);
  try {
    await app.fastify.listen({ host: config.host, port: config.port, listenTextResolver: () => LISTENING_MESSAGE });
  } catch (err) {
    await app.close();
    throw err;
  }
  const base = app.baseURL();
  const lines = [`bridge-login listening on ${base}`, `  data directory: ${config.dataDir}`];
  // A token is printed by the start that created it, and on later starts only to a terminal:
  // output that is not a terminal tends to end up in logs (a service manager's journal).
  if (first.token !== undefined && (first.created || isTerminal(out))) {
    if (first.created) lines.push(`  first access token (also in ${tokenFile}):`, `  ${first.token}`);
    lines.push(`  open in a browser: ${base}/#token=${first.token}`);
  } else if (first.token !== undefined) {
    lines.push(`  open in a browser: ${base}/#token=… (the token is in ${tokenFile})`);
  } else {
    lines.push(`  open in a browser: ${base}/ (create a token with: npx bridge-login token create)`);
  }
  out.write(`${lines.join('\n')}\n`);
  return app;
}
