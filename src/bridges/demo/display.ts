/**
 * The demo bridge's waiting flows (`api.md` §7): `qr`, a code scanned by a "phone" that POSTs
 * its one-time URL, replaced on a timer; and `code`, a pairing code typed on `/demo/link`.
 */
import type { Clock, TimerHandle } from '../../clock.ts';
import type { DisplayAndWaitStep, LoginProcess, StepOutcome } from '../types.ts';
import { demoLogin } from './identity.ts';
import { OutcomeMailbox } from './outcomes.ts';
import { qrImageURL } from '../qr-image.ts';
import { normalizeCode, pairingHash, type Pairings } from './pairings.ts';

export interface QrOptions {
  clock: Clock;
  pairings: Pairings;
  baseURL: () => string;
  refreshMs: number;
  maxCodes: number;
  /** Keep a resume state (several instances): the shown token's hash, never the token. */
  resumable?: boolean;
  /** The bridge's running QR logins, halted when it closes. */
  live?: Set<{ halt(): void }>;
}

/** What a QR or pairing-code login keeps to be resumed by another instance: hashes only. */
export interface DisplayResumeState {
  kind: 'qr' | 'code';
  hash: string;
  shown?: number;
}

/** Whether `state` is a {@link DisplayResumeState}. */
export function isDisplayState(state: unknown): state is DisplayResumeState {
  const s = state as Partial<DisplayResumeState> | null;
  return (s?.kind === 'qr' || s?.kind === 'code') && typeof s.hash === 'string';
}

/** A QR login: shows a code, replaces it every `refreshMs`, fails after `maxCodes` codes. */
export class QrProcess implements LoginProcess {
  private readonly mailbox = new OutcomeMailbox();
  private token?: string;
  private hash?: string;
  private timer?: TimerHandle;
  private shown = 0;
  private done = false;

  private constructor(private readonly opts: QrOptions) {
    opts.live?.add(this);
  }

  /**
   * Stop this process's timers at shutdown without forgetting its code: a resumable login is
   * left for another instance (or the next start) to pick up.
   */
  halt(): void {
    this.done = true;
    this.timer?.cancel();
    this.opts.live?.delete(this);
  }

  /** Start a QR login; resolves with the process and its first code. */
  static async start(opts: QrOptions): Promise<{ process: QrProcess; first: StepOutcome }> {
    const process = new QrProcess(opts);
    return { process, first: await process.nextCode() };
  }

  /** The login as a dead driver left it: wait for the code it showed until that code expires. */
  static async resume(opts: QrOptions, state: DisplayResumeState, expiresAt: number): Promise<QrProcess> {
    const process = new QrProcess(opts);
    process.shown = state.shown ?? 1;
    process.hash = state.hash;
    await opts.pairings.watch(state.hash, process.completer);
    process.timer = opts.clock.setTimeout(() => void process.expireCode(), Math.max(0, expiresAt - opts.clock.now()));
    return process;
  }

  private readonly completer = (username: string): void => this.finish({ kind: 'complete', login: demoLogin(username) });

  resumeState(): DisplayResumeState | undefined {
    if (!this.opts.resumable || !this.hash || this.done) return undefined;
    return { kind: 'qr', hash: this.hash, shown: this.shown };
  }

  private forget(): void {
    if (this.token) this.opts.pairings.removeScan(this.token);
    else if (this.hash) this.opts.pairings.unwatch(this.hash);
  }

  private async nextCode(): Promise<StepOutcome> {
    const { clock, pairings, baseURL, refreshMs } = this.opts;
    this.forget();
    this.shown++;
    const token = await pairings.addScan(this.completer);
    this.token = token;
    this.hash = pairingHash('scan', token);
    const data = `${baseURL()}/demo/scan/${token}`;
    const imageURL = await qrImageURL(data);
    const expiresAt = new Date(clock.now() + refreshMs).toISOString();
    this.timer = clock.setTimeout(() => void this.expireCode(), refreshMs);
    const left = this.opts.maxCodes - this.shown;
    const step: DisplayAndWaitStep = {
      type: 'display_and_wait',
      stepID: 'demo.qr',
      instructions: `Scan this code with the Demo Chat phone app (or open its link and confirm). It is replaced every ${Math.round(refreshMs / 1000)} s; ${left === 0 ? 'this is the last code' : `${left} more code${left === 1 ? '' : 's'} after this one`}.`,
      display: { type: 'qr', data, imageURL, expiresAt },
    };
    return { kind: 'step', step };
  }

  private async expireCode(): Promise<void> {
    if (this.done) return;
    if (this.shown >= this.opts.maxCodes) {
      this.finish({ kind: 'failed', error: { code: 'login_timed_out', message: `No code was scanned; all ${this.opts.maxCodes} QR codes expired.` } });
      return;
    }
    const outcome = await this.nextCode();
    if (!this.done) this.mailbox.post(outcome);
  }

  private finish(outcome: StepOutcome): void {
    if (this.done) return;
    this.release();
    this.mailbox.post(outcome);
  }

  private release(): void {
    this.done = true;
    this.timer?.cancel();
    this.opts.live?.delete(this);
    this.forget();
  }

  submit(): Promise<StepOutcome> {
    return Promise.reject(new Error('a QR login takes no input'));
  }

  wait(signal: AbortSignal): Promise<StepOutcome> {
    return this.mailbox.take(signal);
  }

  async cancel(): Promise<void> {
    this.release();
  }
}

/** A pairing-code login: shows a code to type on `/demo/link`. */
export class CodeProcess implements LoginProcess {
  private readonly mailbox = new OutcomeMailbox();
  private code?: string;
  private hash?: string;
  private done = false;

  private constructor(
    private readonly pairings: Pairings,
    private readonly resumable: boolean,
  ) {}

  private readonly completer = (username: string): void => {
    this.done = true;
    this.mailbox.post({ kind: 'complete', login: demoLogin(username) });
  };

  /** Start a pairing-code login; resolves with the process and the step showing its code. */
  static async start(pairings: Pairings, baseURL: () => string, resumable = false): Promise<{ process: CodeProcess; first: StepOutcome }> {
    const process = new CodeProcess(pairings, resumable);
    const code = await pairings.addCode(process.completer);
    process.code = code;
    process.hash = pairingHash('code', normalizeCode(code));
    const first: StepOutcome = {
      kind: 'step',
      step: {
        type: 'display_and_wait',
        stepID: 'demo.code',
        instructions: `Open ${baseURL()}/demo/link and enter this code to link the device.`,
        display: { type: 'code', data: code },
      },
    };
    return { process, first };
  }

  /** The login as a dead driver left it: wait for the code it showed. */
  static async resume(pairings: Pairings, state: DisplayResumeState): Promise<CodeProcess> {
    const process = new CodeProcess(pairings, true);
    process.hash = state.hash;
    await pairings.watch(state.hash, process.completer);
    return process;
  }

  resumeState(): DisplayResumeState | undefined {
    if (!this.resumable || !this.hash || this.done) return undefined;
    return { kind: 'code', hash: this.hash };
  }

  submit(): Promise<StepOutcome> {
    return Promise.reject(new Error('a pairing-code login takes no input'));
  }

  wait(signal: AbortSignal): Promise<StepOutcome> {
    return this.mailbox.take(signal);
  }

  async cancel(): Promise<void> {
    if (!this.done) {
      if (this.code) this.pairings.removeCode(this.code);
      else if (this.hash) this.pairings.unwatch(this.hash);
    }
    this.done = true;
  }
}
