/**
 * @module cli/client/commands/display-view
 * Draws a `display_and_wait` step: the QR code, a pairing code in big letters, or the emoji, with
 * how long the code stays valid; draws it again, in place on a terminal, when the server
 * refreshes it; and words the line the spinner shows while waiting.
 */
import type { DisplayAndWaitStep } from '../api-types.ts';
import type { Clock } from '../../../clock.ts';
import { renderBigText } from '../terminal/big-text.ts';
import { formatRemaining, msUntil } from '../terminal/durations.ts';
import { renderQR } from '../terminal/qr.ts';
import type { Screen } from '../terminal/screen.ts';

export class DisplayView {
  private shown: string | undefined;

  constructor(
    private readonly screen: Screen,
    private readonly clock: Clock,
    private readonly columns: number,
  ) {}

  /** Draws the step unless it is already on screen; a new code replaces the old one. */
  async show(step: DisplayAndWaitStep): Promise<void> {
    const key = JSON.stringify([step.stepID, step.display, step.instructions]);
    if (key === this.shown) return;
    const { screen } = this;
    if (this.shown !== undefined && !screen.eraseBlock()) screen.print('', screen.style.yellow('The code was refreshed:'));
    this.shown = key;
    screen.beginBlock();
    screen.print(...(await this.lines(step)));
  }

  /** The text beside the spinner: what we wait for and how long the code stays valid. */
  waitingText(step: DisplayAndWaitStep): () => string {
    const what =
      step.display.type === 'qr'
        ? 'Waiting for the QR code to be scanned'
        : step.display.type === 'code'
          ? 'Waiting for the code to be entered'
          : step.display.type === 'emoji'
            ? 'Waiting for the emoji to be confirmed'
            : 'Waiting';
    return () => {
      const left = msUntil(step.display.expiresAt, this.clock.now());
      const validity = left === undefined ? '' : left > 0 ? ` · valid for ${formatRemaining(left)}` : ' · expired, a new one is on its way';
      return `${what}${validity} · Ctrl+C to cancel`;
    };
  }

  private async lines(step: DisplayAndWaitStep): Promise<string[]> {
    const { style } = this.screen;
    const { display } = step;
    const lines: string[] = [''];
    switch (display.type) {
      case 'qr': {
        lines.push(step.instructions ?? 'Scan this QR code with the app on your phone:', '');
        lines.push(...(await renderQR(display.data, style.color)).map((l) => `  ${l}`), '');
        // Off a terminal (a log, an agent) the code's content is more use than its picture.
        if (!style.interactive) lines.push(`QR code data: ${display.data}`);
        break;
      }
      case 'code': {
        lines.push(step.instructions ?? 'Enter this code on your other device:', '');
        const big = renderBigText(display.data, this.columns - 4);
        if (big) lines.push(...big.map((l) => `  ${style.bold(l)}`), '');
        lines.push(`  Code: ${style.bold(display.data)}`, '');
        break;
      }
      case 'emoji': {
        lines.push(step.instructions ?? 'Check that your other device shows the same emoji:', '');
        if (display.data) lines.push(`  ${style.bold(display.data)}`, '');
        if (!display.imageURL.startsWith('data:')) lines.push(`  Picture: ${display.imageURL}`, '');
        break;
      }
      case 'nothing':
        if (step.instructions) lines.push(step.instructions);
        break;
    }
    const left = msUntil(display.expiresAt, this.clock.now());
    if (left !== undefined && left > 0) lines.push(style.dim(`This code is valid for ${formatRemaining(left)}.`));
    return lines;
  }
}
