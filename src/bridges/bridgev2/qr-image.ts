/**
 * @module bridges/bridgev2/qr-image
 * Bridges send a QR code as its raw payload; the contract's `qr` display also carries it drawn
 * as an SVG data URI (`imageURL`), so that any client can show it without a QR library.
 */

import QRCode from 'qrcode';
import type { InteractiveStep } from '../types.ts';

/** The step with `display.imageURL` drawn for a `qr` display that has none. */
export async function withQRImage(step: InteractiveStep): Promise<InteractiveStep> {
  if (step.type !== 'display_and_wait' || step.display.type !== 'qr' || step.display.imageURL || !step.display.data) return step;
  try {
    const svg = await QRCode.toString(step.display.data, { type: 'svg', margin: 2 });
    return { ...step, display: { ...step.display, imageURL: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` } };
  } catch {
    // Too long to encode: the client can still draw `data` itself.
    return step;
  }
}
