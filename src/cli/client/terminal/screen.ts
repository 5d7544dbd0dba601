/**
 * @module cli/client/terminal/screen
 * Writes the interactive screen, keeping count of the lines of the block drawn last, so that a
 * refreshed QR code or pairing code replaces the old one on a terminal instead of piling up.
 */
import type { OutputStream } from '../io.ts';
import { stripAnsi, eraseLinesAbove, type Style } from './style.ts';

export class Screen {
  private blockLines = 0;

  constructor(
    private readonly output: OutputStream,
    readonly style: Style,
  ) {}

  /** Print lines (each ends with a newline). */
  print(...lines: string[]): void {
    for (const line of lines) {
      this.output.write(line + '\n');
      this.blockLines += this.rows(line);
    }
  }

  /** Start counting a new block of lines (a block that {@link replaceBlock} may erase later). */
  beginBlock(): void {
    this.blockLines = 0;
  }

  /** On a terminal, erase the lines printed since {@link beginBlock}; returns whether it did. */
  eraseBlock(): boolean {
    if (!this.style.interactive) return false;
    this.output.write(eraseLinesAbove(this.blockLines));
    this.blockLines = 0;
    return true;
  }

  /** Raw text, such as a prompt, not counted in the block. */
  write(text: string): void {
    this.output.write(text);
  }

  /** Rows a line takes on screen, counting wrapping at the terminal's width. */
  private rows(line: string): number {
    const columns = this.output.columns ?? 80;
    return line.split('\n').reduce((sum, part) => sum + Math.max(1, Math.ceil([...stripAnsi(part)].length / columns)), 0);
  }
}
