/**
 * A bridge for the page's tests that uses what the demo bridge does not. Flow `everything`: a
 * form with every field type (email, tel, url, select, code with a pattern, optional fields,
 * descriptions, initial values), then an `emoji` display, then a `nothing` display, then
 * completion; the test moves it on with `next()`. Flow `captcha`: a form whose step carries
 * attachments (bridgev2's shape), an image and an audio captcha that the page shows and two
 * it must not. Flows `qr-link` and `qr-app`: a QR code on another origin, whose instructions
 * promise its link or do not.
 */
import { OutcomeMailbox } from '../../src/bridges/demo/outcomes.ts';
import type { Attachment, Bridge, BridgeDescriptor, LoginProcess, StartLoginOptions, StepOutcome } from '../../src/bridges/types.ts';
import { stripedPNG, toneWAV } from './tiny-media.ts';

const EMOJI_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 60"><rect width="300" height="60" rx="8" fill="#fde68a"/>' +
  '<circle cx="40" cy="30" r="18" fill="#f59e0b"/><circle cx="110" cy="30" r="18" fill="#10b981"/><circle cx="180" cy="30" r="18" fill="#3b82f6"/>' +
  '<circle cx="250" cy="30" r="18" fill="#ef4444"/></svg>';

export class ShowcaseBridge implements Bridge {
  readonly descriptor: BridgeDescriptor = {
    id: 'showcase',
    type: 'showcase',
    displayName: 'Showcase',
    provider: 'cloud',
    network: 'Showcase',
    supportsMultipleAccounts: true,
    enabled: true,
    removeScopes: ['current-device'],
  };

  private mailbox?: OutcomeMailbox;
  private stage = 0;
  private email = '';

  async health() {
    return { reachable: true };
  }
  async flows() {
    return [
      { id: 'everything', name: 'Every kind of step' },
      { id: 'captcha', name: 'Captcha', description: 'A form with image and audio attachments.' },
      { id: 'qr-link', name: 'QR code with a link' },
      { id: 'qr-app', name: 'QR code for the app only' },
    ];
  }
  async capabilities() {
    return { group_creation: {}, resolve_identifier: { any_phone: false, contact_list: false, create_dm: false, lookup_email: false, lookup_phone: false, lookup_username: false, search: false } };
  }
  async liveLogins() {
    return undefined;
  }

  /** Move the waiting login to its next display, then to completion. */
  next(): void {
    this.stage++;
    this.mailbox?.post(
      this.stage === 1
        ? { kind: 'step', step: { type: 'display_and_wait', stepID: 'showcase.wait', instructions: 'Waiting for the network to confirm the new device.', display: { type: 'nothing' } } }
        : { kind: 'complete', login: { loginID: 'sam', user: { id: 'sam', fullName: 'Sam Sample', username: 'sam', email: this.email }, status: 'connected' } },
    );
  }

  async startLogin(options: StartLoginOptions): Promise<{ process: LoginProcess; first: StepOutcome }> {
    if (options.flowID === 'captcha') return captchaLogin();
    if (options.flowID === 'qr-link' || options.flowID === 'qr-app') return qrLogin(options.flowID === 'qr-link');
    const mailbox = new OutcomeMailbox();
    this.mailbox = mailbox;
    this.stage = 0;
    const process: LoginProcess = {
      submit: async (input) => {
        this.email = input.email ?? '';
        return {
          kind: 'step',
          step: {
            type: 'display_and_wait',
            stepID: 'showcase.emoji',
            instructions: 'Check that your phone shows the same four emoji.',
            display: { type: 'emoji', data: '🐶 🍀 🔑 🎈', imageURL: `data:image/svg+xml;base64,${Buffer.from(EMOJI_SVG).toString('base64')}` },
          },
        };
      },
      wait: (signal) => mailbox.take(signal),
      cancel: async () => {},
    };
    return {
      process,
      first: {
        kind: 'step',
        step: {
          type: 'user_input',
          stepID: 'showcase.form',
          instructions: 'Tell us about the account.',
          fields: [
            { id: 'email', label: 'Email', type: 'email', initialValue: 'sam@example.org' },
            { id: 'phone', label: 'Phone number', type: 'tel', optional: true, placeholder: '+1 555 0100', description: 'Only used to send a sign-in code.' },
            { id: 'site', label: 'Homeserver', type: 'url', placeholder: 'https://chat.example.org' },
            { id: 'region', label: 'Region', type: 'select', options: ['Europe', 'Americas', 'Asia'], initialValue: 'Americas' },
            { id: 'pin', label: 'PIN', type: 'code', pattern: '[0-9]{4}', description: 'Four digits.' },
          ],
        },
      },
    };
  }

  async logout() {}
}

export const CAPTCHA_PNG = stripedPNG(180, 60);
export const CAPTCHA_WAV = toneWAV(300);

/** What a bridge sends with a captcha step: two attachments to show, two to name only. */
export const CAPTCHA_ATTACHMENTS: Attachment[] = [
  { type: 'm.image', filename: 'captcha.png', content: CAPTCHA_PNG.toString('base64'), info: { mimetype: 'image/png', w: 180, h: 60, size: CAPTCHA_PNG.length } },
  { type: 'm.audio', filename: 'captcha.wav', content: CAPTCHA_WAV.toString('base64'), info: { mimetype: 'audio/wav', size: CAPTCHA_WAV.length } },
  { type: 'm.image', filename: '<img src=x onerror=alert(1)>.svg', content: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString('base64'), info: { mimetype: 'image/svg+xml' } },
  { type: 'm.image', filename: 'missing.png', info: { mimetype: 'image/png' } },
];

/** The QR data a bridge on another origin sends; its instructions promise the link or not. */
export const SHOWCASE_QR_DATA = 'https://showcase.example/ra/Zm9vYmFy';

function qrLogin(promiseLink: boolean): { process: LoginProcess; first: StepOutcome } {
  const mailbox = new OutcomeMailbox();
  const process: LoginProcess = {
    submit: () => Promise.reject(new Error('a QR login has nothing to submit')),
    wait: (signal) => mailbox.take(signal),
    cancel: async () => {},
  };
  const instructions = promiseLink ? 'Scan this code with the Showcase app (or open its link and confirm).' : 'Scan this code with the Showcase app.';
  return { process, first: { kind: 'step', step: { type: 'display_and_wait', stepID: 'showcase.qr', instructions, display: { type: 'qr', data: SHOWCASE_QR_DATA } } } };
}

function captchaLogin(): { process: LoginProcess; first: StepOutcome } {
  const process: LoginProcess = {
    submit: async (input) => ({
      kind: 'complete',
      login: { loginID: 'robin', user: { id: 'robin', fullName: `Robin (${input.answer ?? ''})`, username: 'robin' }, status: 'connected' },
    }),
    wait: () => Promise.reject(new Error('a captcha login has nothing to wait for')),
    cancel: async () => {},
  };
  return {
    process,
    first: {
      kind: 'step',
      step: {
        type: 'user_input',
        stepID: 'showcase.captcha',
        instructions: 'Type the characters you see in the picture, or listen to them.',
        fields: [{ id: 'answer', label: 'Characters', type: 'text' }],
        attachments: CAPTCHA_ATTACHMENTS,
      },
    },
  };
}
