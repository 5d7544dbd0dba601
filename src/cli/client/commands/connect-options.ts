/**
 * @module cli/client/commands/connect-options
 * The options of `connect`, once parsed, and the cancellation both ways of running it share:
 * Ctrl+C and `--timeout` abort one signal, with the reason saying which.
 */
import type { CreateSessionBody } from '../api-types.ts';
import { InterruptedError } from '../errors.ts';
import type { ClientIO } from '../io.ts';

export interface ConnectOptions {
  bridgeID: string;
  flowID?: string;
  loginID?: string;
  accountID?: string;
  /** `--field id=value` values. */
  fields: Record<string, string>;
  /** Give up (and cancel the session) after this many seconds. */
  timeoutSeconds?: number;
}

export function createBody(options: ConnectOptions, flowID = options.flowID): CreateSessionBody {
  const body: CreateSessionBody = {};
  if (flowID) body.flowID = flowID;
  if (options.loginID) body.loginID = options.loginID;
  if (options.accountID) body.accountID = options.accountID;
  return body;
}

export interface Cancellation {
  signal: AbortSignal;
  /** Abort as if Ctrl+C were pressed (the raw-mode line reader calls it). */
  interrupt(): void;
  /** Stop listening for Ctrl+C and the timeout. */
  dispose(): void;
}

/**
 * One signal aborted by Ctrl+C (reason `InterruptedError('interrupt')`) or by the timeout
 * (`InterruptedError('timeout')`). A second Ctrl+C calls `onForce`, for a person who does not
 * want to wait for the server.
 */
export function watchCancellation(io: ClientIO, timeoutSeconds: number | undefined, onForce: () => void): Cancellation {
  const controller = new AbortController();
  const interrupt = () => {
    if (controller.signal.aborted) onForce();
    else controller.abort(new InterruptedError('interrupt'));
  };
  const stopInterrupts = io.onInterrupt(interrupt);
  const timer =
    timeoutSeconds === undefined ? undefined : io.clock.setTimeout(() => controller.abort(new InterruptedError('timeout')), timeoutSeconds * 1000);
  return {
    signal: controller.signal,
    interrupt,
    dispose() {
      stopInterrupts();
      timer?.cancel();
    },
  };
}
