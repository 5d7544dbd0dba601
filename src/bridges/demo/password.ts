/** The demo bridge's `password` and `password-2fa` flows (`api.md` §7). */
import type { LoginProcess, StepInput, StepOutcome, UserInputStep } from '../types.ts';
import { demoLogin } from './identity.ts';

export const INCORRECT_PASSWORD = 'incorrectpassword';
export const VALID_2FA_CODE = '123456';
const MAX_CODE_ATTEMPTS = 3;

/** The first step of a new login is the same for every session: made once, frozen, shared. */
const NEW_LOGIN_STEP = deepFreeze(makePasswordStep());

export function passwordStep(initialUsername?: string): UserInputStep {
  return initialUsername ? makePasswordStep(initialUsername) : NEW_LOGIN_STEP;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') for (const v of Object.values(Object.freeze(value))) deepFreeze(v);
  return value;
}

function makePasswordStep(initialUsername?: string): UserInputStep {
  return {
    type: 'user_input',
    stepID: 'demo.password',
    instructions: 'Sign in to Demo Chat. Any username and password work, except the password "incorrectpassword".',
    fields: [
      { id: 'username', label: 'Username', type: 'text', placeholder: 'alice', ...(initialUsername ? { initialValue: initialUsername } : {}) },
      { id: 'password', label: 'Password', type: 'password' },
    ],
  };
}

function codeStep(instructions: string): UserInputStep {
  return {
    type: 'user_input',
    stepID: 'demo.2fa',
    instructions,
    fields: [{ id: 'code', label: 'Two-factor code', type: 'code', placeholder: '123456' }],
  };
}

const failedCredentials = (message: string): StepOutcome => ({ kind: 'failed', error: { code: 'invalid_credentials', message } });

/** What a password login keeps to be resumed by another instance: never the password or a code. */
export interface PasswordResumeState {
  kind: 'password';
  withCode: boolean;
  stage: 'password' | 'code' | 'done';
  username?: string;
  wrongCodes: number;
}

/** Whether `state` is a {@link PasswordResumeState}. */
export function isPasswordState(state: unknown): state is PasswordResumeState {
  const s = state as Partial<PasswordResumeState> | null;
  return typeof s === 'object' && s !== null && s.kind === 'password' && typeof s.withCode === 'boolean' && typeof s.wrongCodes === 'number';
}

/** A password login, optionally followed by a two-factor code. */
export class PasswordProcess implements LoginProcess {
  private username?: string;
  private wrongCodes = 0;
  private stage: 'password' | 'code' | 'done' = 'password';

  /** `resumable`: keep a resume state (several instances); one process keeps none, as before. */
  constructor(
    private readonly withCode: boolean,
    private readonly resumable = false,
  ) {}

  /** The login as another instance left it (api.md §11: a demo session resumes from its stored state). */
  static resume(state: PasswordResumeState): PasswordProcess {
    const p = new PasswordProcess(state.withCode, true);
    p.stage = state.stage;
    p.wrongCodes = state.wrongCodes;
    if (state.username !== undefined) p.username = state.username;
    return p;
  }

  resumeState(): PasswordResumeState | undefined {
    if (!this.resumable) return undefined;
    return { kind: 'password', withCode: this.withCode, stage: this.stage, ...(this.username !== undefined ? { username: this.username } : {}), wrongCodes: this.wrongCodes };
  }

  async submit(input: StepInput): Promise<StepOutcome> {
    if (this.stage === 'password') {
      const username = input.username ?? '';
      if (input.password === INCORRECT_PASSWORD) {
        this.stage = 'done';
        return failedCredentials('The username or password is incorrect.');
      }
      if (!this.withCode) {
        this.stage = 'done';
        return { kind: 'complete', login: demoLogin(username) };
      }
      this.username = username;
      this.stage = 'code';
      return { kind: 'step', step: codeStep('Enter the six-digit code from your authenticator app (the demo code is 123456).') };
    }
    if (this.stage === 'code') {
      if (input.code === VALID_2FA_CODE) {
        this.stage = 'done';
        return { kind: 'complete', login: demoLogin(this.username ?? '') };
      }
      this.wrongCodes++;
      if (this.wrongCodes >= MAX_CODE_ATTEMPTS) {
        this.stage = 'done';
        return failedCredentials(`The two-factor code was wrong ${MAX_CODE_ATTEMPTS} times.`);
      }
      const left = MAX_CODE_ATTEMPTS - this.wrongCodes;
      return { kind: 'step', step: codeStep(`That code was wrong. Try again (${left} attempt${left === 1 ? '' : 's'} left).`) };
    }
    return { kind: 'failed', error: { code: 'bridge_error', message: 'This login has already finished.' } };
  }

  wait(): Promise<StepOutcome> {
    return Promise.reject(new Error('a password login has nothing to wait for'));
  }

  async cancel(): Promise<void> {
    this.stage = 'done';
  }
}
