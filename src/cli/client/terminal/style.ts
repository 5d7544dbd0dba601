/**
 * @module cli/client/terminal/style
 * Colour and cursor control, only where they belong: colour when the output is a terminal and
 * `NO_COLOR` is not set (https://no-color.org), cursor movement when it is a terminal. Anything
 * else gets plain text.
 */
import type { OutputStream } from '../io.ts';

export interface Style {
  /** The output is a terminal: a spinner may redraw its line, a block may be erased. */
  readonly interactive: boolean;
  /** Colours and bold are on. */
  readonly color: boolean;
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

/**
 * @example createStyle(process.stdout, process.env).bold('Connected')
 */
export function createStyle(output: OutputStream, env: Readonly<Record<string, string | undefined>>): Style {
  const interactive = output.isTTY === true && env['TERM'] !== 'dumb';
  const color = interactive && !env['NO_COLOR'];
  const wrap = (open: number, close: number) => (text: string) => (color ? `\x1b[${open}m${text}\x1b[${close}m` : text);
  return {
    interactive,
    color,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    green: wrap(32, 39),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}

/** Erase the current line and put the cursor at its start. */
export const CLEAR_LINE = '\r\x1b[2K';

/** Move the cursor up `lines` lines, to their start, and erase everything below. */
export function eraseLinesAbove(lines: number): string {
  return lines > 0 ? `\x1b[${lines}F\x1b[J` : '\r\x1b[J';
}

/** Removes ANSI escape sequences (tests compare plain text). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}
