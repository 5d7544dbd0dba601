/**
 * @module main
 * The `bridge-login` entry point: parse the command line and run the command.
 * `npm start` runs `serve`.
 */
import { processIO } from './cli/client/io.ts';
import { buildProgram } from './cli/program.ts';

// The one place that hands the process (streams, environment, signals) to the program.
const program = buildProgram(processIO(process));
await program.parseAsync(process.argv);
