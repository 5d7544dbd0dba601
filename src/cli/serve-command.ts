/** `bridge-login serve`: start the server and stop it cleanly on SIGINT/SIGTERM. */
import { Command } from 'commander';
import { ConfigError, loadConfig, type ConfigFlags } from '../config/config.ts';
import { DatabaseVersionError } from '../store/db.ts';
import { startServer } from '../start-server.ts';
import type { ProgramIO } from './program.ts';
import { tolerateClosedOutput, writeIfOpen } from './closed-output.ts';

export function serveCommand(io: ProgramIO): Command {
  return new Command('serve')
    .description('Serve the API (default 127.0.0.1:23373) with the demo bridge and any configured bridges')
    .option('--host <host>', 'address to listen on')
    .option('--port <port>', 'port to listen on (0 picks a free one)')
    .option('--data-dir <dir>', 'where the database and the first token live')
    .option('--config <file>', 'YAML config file (bridges, limits, hosts)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
    .option('--log-format <format>', 'json, pretty (one readable line each) or auto: pretty on a terminal, else JSON (the default)')
    .action(async (flags: ConfigFlags) => {
      let config;
      try {
        config = loadConfig(flags, io.env);
      } catch (err) {
        if (err instanceof ConfigError) {
          io.stderr.write(`bridge-login: ${err.message}\n`);
          process.exitCode = 78;
          return;
        }
        throw err;
      }
      // Signals are heard from the start: one that arrives while the server starts (after its
      // banner, say) stops it as soon as it is up, instead of killing it half-way.
      let running: Awaited<ReturnType<typeof startServer>> | undefined;
      let stopAsked: string | undefined;
      const stop = (signal: string): void => {
        if (!running) {
          stopAsked = signal;
          return;
        }
        writeIfOpen(io.stdout, `\n${signal}: stopping…\n`);
        running.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      // Whoever reads the output may be gone by the time it stops: that must not stop the stop.
      tolerateClosedOutput(io.stdout);
      tolerateClosedOutput(io.stderr);
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
      try {
        running = await startServer(config, io.stdout);
      } catch (err) {
        if (err instanceof ConfigError || err instanceof DatabaseVersionError) {
          io.stderr.write(`bridge-login: ${err.message}\n`);
          process.exitCode = 78;
          return;
        }
        const e = err as NodeJS.ErrnoException;
        if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') {
          const why = e.code === 'EADDRINUSE' ? 'the address is already in use (is another server running?)' : e.message;
          io.stderr.write(`bridge-login: cannot listen on ${config.host}:${config.port}: ${why}\n`);
          process.exitCode = 1;
          return;
        }
        throw err;
      }
      if (stopAsked) stop(stopAsked);
    });
}
