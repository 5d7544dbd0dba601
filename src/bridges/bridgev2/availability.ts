/**
 * @module bridges/bridgev2/availability
 * Logs whether a bridge can be used, once per change: it cannot be reached, it refuses this
 * server's provisioning credentials (a config problem), or it answers again. A broken bridge
 * then shows in the server log without a line per request.
 */
import { ProvisioningHTTPError, isAccessRefusal } from './errors.ts';
import type { Logger } from './login-process.ts';

export class AvailabilityLog {
  /** The last state logged; `ok` until something else is seen, so a healthy start logs nothing. */
  #state = 'ok';

  constructor(
    private readonly bridgeID: string,
    private readonly log: Logger,
  ) {}

  /** Records a call's outcome: `undefined` when the bridge answered, else what went wrong. */
  note(error: unknown): void {
    const state = error === undefined ? 'ok' : isAccessRefusal(error) ? `refused ${error.status} ${error.errcode}` : 'unreachable';
    if (state === this.#state) return;
    this.#state = state;
    const { bridgeID } = this;
    if (error === undefined) {
      this.log('bridgev2: the bridge answers again', { bridgeID });
    } else if (error instanceof ProvisioningHTTPError) {
      this.log("bridgev2: the bridge refused this server's provisioning credentials (check sharedSecret and the user's permission)", {
        bridgeID,
        status: error.status,
        errcode: error.errcode,
        error: error.error,
      });
    } else {
      this.log('bridgev2: the bridge cannot be reached', { bridgeID, error: error instanceof Error ? error.message : String(error) });
    }
  }
}
