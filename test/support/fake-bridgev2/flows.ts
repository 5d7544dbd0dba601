/**
 * @module test/support/fake-bridgev2/flows
 * The fake's "network connector": the dummybridge flows of the protocol notes §10 (`password`,
 * `cookies`, `localstorage`, `displayandwait`), a refreshing `qr` flow, and a few flows that
 * produce steps the connector must refuse (`webauthn`, `request-body-cookie`). Waiting steps
 * take their outcome from actions the test queues (scan, refresh, fail) instead of a network.
 * `twofactor` asks for a code: `wrong` asks again under the same step id (as a connector does
 * after a mistyped code), `wait` runs until the test queues an action (a slow connector), and
 * any other code completes as `twofactor-user`.
 */

import { randomBytes } from 'node:crypto';

/** A step as the connector yields it; the step manager adds `login_id` and `txn_id`. */
export interface FakeStep {
  type: string;
  step_id: string;
  instructions: string;
  user_input?: { fields: Record<string, unknown>[]; attachments: Record<string, unknown>[] | null };
  cookies?: Record<string, unknown>;
  display_and_wait?: { type: string; data?: string; image_url?: string };
  webauthn?: Record<string, unknown>;
  complete?: { user_login_id: string };
}

/** What the phone (or the remote helper page) does for a waiting step. */
export interface Credentials {
  username: string;
  /** The dummybridge uses the password as the remote display name. */
  password?: string;
}

export type Action = { kind: 'scan'; creds: Credentials } | { kind: 'refresh' } | { kind: 'fail'; error: unknown };

/** What a flow may use of the fake bridge. */
export interface FlowEnv {
  processID: string;
  /** Creates or updates the user login (as a bridgev2 connector does) and returns `complete`. */
  completeLogin(creds: Credentials): FakeStep;
  /** The next action the test queued for this process; rejects when `signal` fires. */
  nextAction(signal: AbortSignal): Promise<Action>;
  /** A failure the test queued for the next submission, if any. */
  takeFailure(): unknown;
}

export interface FakeConnectorProcess {
  start(): Promise<FakeStep>;
  submit(input: Readonly<Record<string, string>>, signal: AbortSignal): Promise<FakeStep>;
  wait(signal: AbortSignal): Promise<FakeStep>;
  cancel(): void;
}

export interface FakeFlow {
  id: string;
  name: string;
  description: string;
}

export const DUMMY_FLOWS: FakeFlow[] = [
  { id: 'password', name: 'Password', description: 'Log in with a password' },
  { id: 'cookies', name: 'Cookies', description: 'Log in with extracted cookies' },
  { id: 'localstorage', name: 'Local storage', description: 'Log in with extracted local storage' },
  { id: 'displayandwait', name: 'Display and wait', description: 'Log in through a remote server' },
  { id: 'qr', name: 'QR code', description: 'Scan a QR code with the app' },
];

/** Startable always; listed only with the `extraFlows` option. */
export const EXTRA_FLOWS: FakeFlow[] = [
  { id: 'webauthn', name: 'Passkey', description: 'Log in with a passkey' },
  { id: 'request-body-cookie', name: 'Request body', description: 'A value read from a request body' },
  { id: 'twofactor', name: 'Code', description: 'A code that is asked again, under the same step id, when wrong' },
  { id: 'phone', name: 'Phone', description: 'A phone number, taken as the login ID exactly as it arrives' },
];

const COMPLETE_INSTRUCTIONS = 'Successfully logged in with whatever you provided';
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function createFlow(flowID: string, env: FlowEnv): FakeConnectorProcess {
  let refreshes = 0;
  const display = (): FakeStep => {
    if (flowID === 'qr') {
      return {
        type: 'display_and_wait',
        step_id: 'fi.mau.fake.qr',
        instructions: 'Scan the QR code with the app on your phone',
        display_and_wait: { type: 'qr', data: `fake-qr:${env.processID}:${refreshes++}` },
      };
    }
    return {
      type: 'display_and_wait',
      step_id: 'com.beeper.dummy.displayandwait',
      instructions: 'Enter the code on https://random.mau.fi/dummy/pages/daw_submit.html',
      display_and_wait: { type: 'code', data: pairingCode() },
    };
  };
  return {
    async start() {
      switch (flowID) {
        case 'password':
          return passwordStep();
        case 'cookies':
          return cookiesStep('cookies', 'cookie');
        case 'localstorage':
          return cookiesStep('localstorage', 'local_storage');
        case 'displayandwait':
        case 'qr':
          return display();
        case 'webauthn':
          return {
            type: 'webauthn',
            step_id: 'fi.mau.fake.webauthn',
            instructions: '',
            webauthn: { url: 'https://example.com', publicKey: { challenge: 'Y2hhbGxlbmdl' } },
          };
        case 'twofactor':
          return codeStep('Enter the code from your phone');
        case 'phone':
          return {
            type: 'user_input',
            step_id: 'fi.mau.fake.phone',
            instructions: '',
            user_input: { fields: [{ type: 'phone_number', id: 'phone', name: 'Phone number', description: '' }], attachments: null },
          };
        case 'request-body-cookie':
          return {
            type: 'cookies',
            step_id: 'fi.mau.fake.request_body',
            instructions: '',
            cookies: {
              url: 'https://example.com/login',
              fields: [
                {
                  id: 'token',
                  required: true,
                  sources: [{ type: 'request_body', name: 'token', request_url_regex: '^https://example\\.com/api/' }],
                },
              ],
            },
          };
        default:
          throw new Error(`unknown flow ID "${flowID}"`);
      }
    },
    async submit(input, signal) {
      const failure = env.takeFailure();
      if (failure !== undefined) throw failure;
      if (flowID === 'webauthn') return env.completeLogin({ username: 'passkey-user' });
      if (flowID === 'request-body-cookie') return env.completeLogin({ username: input.token ?? '' });
      if (flowID === 'phone') return env.completeLogin({ username: input.phone ?? '' });
      if (flowID === 'twofactor') {
        if (input.code === 'wrong') return codeStep('Wrong code, try again');
        if (input.code !== 'wait') return env.completeLogin({ username: 'twofactor-user' });
        const action = await env.nextAction(signal);
        if (action.kind === 'fail') throw action.error;
        return action.kind === 'scan' ? env.completeLogin(action.creds) : codeStep('Enter the new code');
      }
      if (input.password === 'incorrectpassword') throw new Error('incorrect password');
      return env.completeLogin({ username: input.username ?? '', password: input.password ?? '' });
    },
    async wait(signal) {
      const action = await env.nextAction(signal);
      switch (action.kind) {
        case 'scan':
          return env.completeLogin(action.creds);
        case 'refresh':
          return display();
        case 'fail':
          throw action.error;
      }
    },
    cancel() {},
  };
}

export function completeStep(loginID: string): FakeStep {
  return {
    type: 'complete',
    step_id: 'com.beeper.dummy.complete',
    instructions: COMPLETE_INSTRUCTIONS,
    complete: { user_login_id: loginID },
  };
}

function passwordStep(): FakeStep {
  return {
    type: 'user_input',
    step_id: 'com.beeper.dummy.password',
    instructions: '',
    user_input: {
      fields: [
        { type: 'username', id: 'username', name: "username, anything goes and it's used as the ID", description: '' },
        { type: 'password', id: 'password', name: 'password, anything goes', description: '' },
      ],
      attachments: null,
    },
  };
}

function codeStep(instructions: string): FakeStep {
  return {
    type: 'user_input',
    step_id: 'fi.mau.fake.code',
    instructions,
    user_input: { fields: [{ type: '2fa_code', id: 'code', name: 'Code', description: '' }], attachments: null },
  };
}

function cookiesStep(kind: 'cookies' | 'localstorage', source: 'cookie' | 'local_storage'): FakeStep {
  const field = (id: string): Record<string, unknown> => ({
    id,
    required: true,
    sources: [{ type: source, name: id, ...(source === 'cookie' && { cookie_domain: 'random.mau.fi' }) }],
  });
  return {
    type: 'cookies',
    step_id: `com.beeper.dummy.${kind}`,
    instructions: '',
    cookies: {
      url: `https://random.mau.fi/dummy/pages/${kind}.html`,
      fields: [field('username'), field('password')],
    },
  };
}

function pairingCode(): string {
  const chars = [...randomBytes(8)].map((b) => CROCKFORD[b % 32]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4)}`;
}
