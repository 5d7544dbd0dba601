/**
 * The demo bridge's waiting flows (`api.md` §7): `qr`, a code scanned by a "phone" that POSTs
 * its one-time URL, replaced on a timer; and `code`, a pairing code typed on `/demo/link`.
 */
import type { Clock, TimerHandle } from '../../clock.ts';
import type { DisplayAndWaitStep, LoginProcess, StepOutcome } from '../types.ts';
import { demoLogin } from './identity.ts';
import { OutcomeMailbox } from './outcomes.ts';
import { qrImageURL } from '../qr-image.ts';
import type { Pairings } from './pairings.ts';

export interface QrOptions {
  clock: Clock;
  pairings: Pairings;
  baseURL: () => string;
  refreshMs: number;
  maxCodes: number;
}

/** A QR login: shows a code, replaces it every `refreshMs`, fails after `maxCodes` codes. */
export class QrProcess implements LoginProcess {
  private readonly mailbox = new OutcomeMailbox();
  private token?: string;
  private timer?: TimerHandle;
  private shown = 0;
  private done = false;

  private constructor(private readonly opts: QrOptions) {}

  /** Start a QR login; resolves with the process and its first code. */
  static async start(opts: QrOptions): Promise<{ process: QrProcess; first: StepOutcome }> {
    const process = new QrProcess(opts);
    return { process, first: await process.nextCode() };
  }

  private async nextCode(): Promise<StepOutcome> {
    const { clock, pairings, baseURL, refreshMs } = this.opts;
    if (this.token) pairings.removeScan(this.token);
    this.shown++;
    const token = pairings.addScan((username) => this.finish({ kind: 'complete', login: demoLogin(username) }));
    this.token = token;
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
    if (this.token) this.opts.pairings.removeScan(this.token);
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
  private readonly code: string;
  private done = false;

  constructor(
    private readonly pairings: Pairings,
    baseURL: () => string,
  ) {
    this.code = pairings.addCode((username) => {
      this.done = true;
      this.mailbox.post({ kind: 'complete', login: demoLogin(username) });
    });
    this.first = {
      kind: 'step',
      step: {
        type: 'display_and_wait',
        stepID: 'demo.code',
        instructions: `Open ${baseURL()}/demo/link and enter this code to link the device.`,
        display: { type: 'code', data: this.code },
      },
    };
  }

  readonly first: StepOutcome;

  submit(): Promise<StepOutcome> {
    return Promise.reject(new Error('a pairing-code login takes no input'));
  }

  wait(signal: AbortSignal): Promise<StepOutcome> {
    return this.mailbox.take(signal);
  }

  async cancel(): Promise<void> {
    if (!this.done) this.pairings.removeCode(this.code);
    this.done = true;
  }
}
