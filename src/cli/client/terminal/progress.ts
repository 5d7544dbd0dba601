/**
 * @module cli/client/terminal/progress
 * One line that shows the command is still waiting: a spinner with a live text (such as a
 * countdown) on a terminal, the text printed once anywhere else.
 */
import type { Clock, TimerHandle } from '../../../clock.ts';
import type { OutputStream } from '../io.ts';
import { CLEAR_LINE, type Style } from './style.ts';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const TICK_MS = 100;

/**
 * @example
 * const progress = new Progress(process.stdout, style, systemClock);
 * progress.start(() => `Waiting for the scan · valid for ${left()}`);
 * await wait();
 * progress.stop();
 */
export class Progress {
  private timer: TimerHandle | undefined;
  private frame = 0;
  private text: (() => string) | undefined;

  constructor(
    private readonly output: OutputStream,
    private readonly style: Style,
    private readonly clock: Clock,
  ) {}

  /** Whether a spinner line is on screen (a caller must {@link stop} before printing). */
  get active(): boolean {
    return this.text !== undefined;
  }

  /** Shows `text()`; on a terminal redraws it with a turning spinner until {@link stop}. */
  start(text: () => string): void {
    this.stop();
    this.text = text;
    if (!this.style.interactive) {
      this.output.write(`${text()}\n`);
      return;
    }
    this.output.write('\x1b[?25l'); // hide the cursor while the spinner turns
    this.draw();
  }

  /** Removes the spinner line (on a terminal), leaving the cursor at the start of that line. */
  stop(): void {
    if (!this.text) return;
    this.text = undefined;
    this.timer?.cancel();
    this.timer = undefined;
    if (this.style.interactive) this.output.write(`${CLEAR_LINE}\x1b[?25h`);
  }

  private draw = () => {
    if (!this.text) return;
    const frame = FRAMES[this.frame++ % FRAMES.length]!;
    const columns = this.output.columns ?? 80;
    const line = `${frame} ${this.text()}`;
    this.output.write(CLEAR_LINE + this.style.cyan(truncate(line, columns - 1)));
    this.timer = this.clock.setTimeout(this.draw, TICK_MS);
  };
}

function truncate(text: string, columns: number): string {
  const chars = [...text];
  return chars.length <= columns ? text : chars.slice(0, Math.max(0, columns - 1)).join('') + '…';
}
