/**
 * @module main
 * The `bridge-login` entry point: parse the command line and run the command.
 * `npm start` runs `serve`.
 */
import { buildProgram } from './cli/program.ts';

const program = buildProgram({ stdout: process.stdout, stderr: process.stderr, env: process.env });
await program.parseAsync(process.argv);
