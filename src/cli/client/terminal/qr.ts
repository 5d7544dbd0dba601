/**
 * @module cli/client/terminal/qr
 * Draws a QR code in the terminal with the `qrcode` library: its terminal renderer (black on a
 * white background, half-block characters) when colour is allowed, its plain UTF-8 renderer
 * (no escape sequences) when it is not.
 */
import { stripAnsi } from './style.ts';

/** The QR code for `data`, as lines of text. */
export async function renderQR(data: string, color: boolean): Promise<string[]> {
  // Loaded on the first QR code, not by every command (`serve` included) at start.
  const { default: QRCode } = await import('qrcode');
  const text = color ? await QRCode.toString(data, { type: 'terminal', small: true }) : await QRCode.toString(data, { type: 'utf8', margin: 2 });
  const lines = text.split('\n');
  // The terminal renderer ends with a line holding nothing but colour resets.
  while (lines.length > 0 && stripAnsi(lines[lines.length - 1]!) === '') lines.pop();
  return lines;
}
