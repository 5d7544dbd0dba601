/**
 * A bridge for the page's tests that uses what the demo bridge does not: a form with every
 * field type (email, tel, url, select, code with a pattern, optional fields, descriptions,
 * initial values), then an `emoji` display, then a `nothing` display, then completion. The
 * test moves it on with `next()`.
 */
import { OutcomeMailbox } from '../../src/bridges/demo/outcomes.ts';
import type { Bridge, BridgeDescriptor, LoginProcess, StepOutcome } from '../../src/bridges/types.ts';

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
    return [{ id: 'everything', name: 'Every kind of step' }];
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

  async startLogin(): Promise<{ process: LoginProcess; first: StepOutcome }> {
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
