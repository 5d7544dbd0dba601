/**
 * @module bridges/bridgev2/qr-image
 * Bridges send a QR code as its raw payload; the contract's `qr` display also carries it drawn
 * (`imageURL`), which is added here when the bridge did not send an image of its own.
 */
import type { InteractiveStep } from '../types.ts';
import { qrImageURL } from '../qr-image.ts';

/** The step with `display.imageURL` drawn for a `qr` display that has none. */
export async function withQRImage(step: InteractiveStep): Promise<InteractiveStep> {
  if (step.type !== 'display_and_wait' || step.display.type !== 'qr' || step.display.imageURL || !step.display.data) return step;
  try {
    return { ...step, display: { ...step.display, imageURL: await qrImageURL(step.display.data) } };
  } catch {
    // Too long to encode: the client can still draw `data` itself.
    return step;
  }
}
