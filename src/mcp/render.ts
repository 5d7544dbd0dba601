/**
 * How a login session reads to an assistant: a line of text saying what happens next, the QR as
 * an image (with its link as a text fallback), and the session itself as structured content.
 */
import QRCode from 'qrcode';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Display, LoginSession, StepField } from './wire.ts';

/** The session as structured content: the QR's data URI is left out (the image carries it). */
export function sessionView(session: LoginSession): LoginSession {
  const step = session.currentStep;
  if (step?.type !== 'display_and_wait' || step.display.type !== 'qr' || step.display.imageURL === undefined) return session;
  const { imageURL: _dropped, ...display } = step.display;
  return { ...session, currentStep: { ...step, display } };
}

const fieldNames = (fields: StepField[]): string => fields.map((f) => f.label ?? f.name ?? f.id).join(', ');

function displayText(display: Display): string {
  switch (display.type) {
    case 'qr':
      return `Show the person this QR code to scan with their phone${display.expiresAt ? ` (valid until ${display.expiresAt})` : ''}. If the image does not show, the code's link is: ${display.data}`;
    case 'code':
      return `Show the person this pairing code to enter on their phone${display.expiresAt ? ` (valid until ${display.expiresAt})` : ''}: ${display.data}`;
    case 'emoji':
      return `Ask the person to check that these emoji match the ones on their other device: ${display.data ?? display.imageURL}`;
    case 'nothing':
      return 'The bridge is working; nothing to show.';
  }
}

/** One paragraph saying where the session stands and what the assistant should do next. */
export function describe(session: LoginSession): string {
  const step = session.currentStep;
  const lines: string[] = [];
  switch (session.status) {
    case 'waiting_for_input':
      if (step?.type === 'user_input') {
        lines.push(`Waiting for the person to enter: ${fieldNames(step.fields)}.`);
        lines.push('Call continue_login: the server asks the person directly, so never ask them for these values yourself.');
      }
      break;
    case 'waiting_for_cookies':
      if (step?.type === 'cookies') {
        lines.push(`Waiting for the person to sign in at ${step.url} and hand over: ${fieldNames(step.fields)}.`);
        lines.push('Call continue_login: the server asks the person directly, so never ask them for these values yourself.');
      }
      break;
    case 'waiting_for_display':
      if (step?.type === 'display_and_wait') {
        lines.push(displayText(step.display));
        lines.push('Then call continue_login with waitSeconds to wait until the person has done it.');
      }
      break;
    case 'complete': {
      const user = session.account?.user;
      const who = user?.fullName ?? user?.username ?? user?.phoneNumber ?? user?.email ?? user?.id;
      lines.push(`Connected${who ? `: ${who}` : ''} (account ${session.accountID ?? '?'}, login ${session.loginID ?? '?'}).`);
      break;
    }
    case 'cancelled':
      lines.push('The login was cancelled.');
      break;
    case 'failed':
      lines.push(`The login failed: ${session.error?.message ?? 'no reason given'} (${session.error?.code ?? 'unknown'}).`);
      break;
  }
  if (step?.instructions && session.status !== 'complete') lines.push(`The bridge says: ${step.instructions}`);
  return `Login session ${session.loginSessionID} on ${session.bridgeID}: ${session.status}. ${lines.join(' ')}`.trim();
}

/** The QR of a display step as PNG bytes, base64; undefined for any other step. */
export async function qrPNG(session: LoginSession): Promise<string | undefined> {
  const step = session.currentStep;
  if (step?.type !== 'display_and_wait' || step.display.type !== 'qr') return undefined;
  const png = await QRCode.toBuffer(step.display.data, { type: 'png', margin: 2, scale: 6, errorCorrectionLevel: 'M' });
  return png.toString('base64');
}

/**
 * A tool result for a session: `lead` (what the tool did) and the description as text, the QR
 * as an image when there is one, and the session as structured content.
 */
export async function sessionResult(session: LoginSession, lead?: string): Promise<CallToolResult> {
  const text = [lead, describe(session)].filter(Boolean).join('\n');
  const png = await qrPNG(session);
  return {
    content: [{ type: 'text', text }, ...(png ? [{ type: 'image' as const, data: png, mimeType: 'image/png' }] : [])],
    structuredContent: { session: sessionView(session) },
  };
}
