/**
 * The contract's `qr` display carries the code drawn as an SVG data URI (`imageURL`), so that
 * any client can show it without a QR library. Every bridge draws it here.
 */
/** The QR code of `data` as a `data:image/svg+xml;base64,…` URI. */
export async function qrImageURL(data: string): Promise<string> {
  // Loaded on the first QR code: a server that never shows one does not carry the library.
  const { default: QRCode } = await import('qrcode');
  const svg = await QRCode.toString(data, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}
