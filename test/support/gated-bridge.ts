/**
 * A bridge for tests that need control over timing: each submit waits until the test opens
 * the gate, and counts how often the bridge saw input.
 */
import type { Bridge, BridgeDescriptor, InteractiveStep, LoginProcess, StepOutcome } from '../../src/bridges/types.ts';

/** The gated bridge's one step. */
const GATED_STEP: InteractiveStep = { type: 'user_input', stepID: 'gated.name', fields: [{ id: 'name', type: 'text' }] };

export class GatedBridge implements Bridge {
  readonly descriptor: BridgeDescriptor;
  submits = 0;
  cancels = 0;
  private gates: (() => void)[] = [];
  healthy = true;
  /** Whether a submit waits for the gate (`open()`), or answers at once. */
  holding = true;
  /** What a submit answers: the login complete, or the same step asked again. */
  answer: 'complete' | 'ask-again' = 'complete';

  constructor(overrides: Partial<BridgeDescriptor> = {}) {
    this.descriptor = {
      id: 'gated',
      type: 'gated',
      displayName: 'Gated',
      provider: 'local',
      supportsMultipleAccounts: true,
      enabled: true,
      removeScopes: ['all-devices'],
      ...overrides,
    };
  }

  /** Let every waiting submit finish. */
  open(): void {
    for (const g of this.gates.splice(0)) g();
  }

  get waiting(): number {
    return this.gates.length;
  }

  async health() {
    return { reachable: this.healthy };
  }
  async flows() {
    return [{ id: 'one', name: 'One step' }];
  }
  async capabilities() {
    return { group_creation: {}, resolve_identifier: { any_phone: false, contact_list: false, create_dm: false, lookup_email: false, lookup_phone: false, lookup_username: false, search: false } };
  }
  async liveLogins() {
    return undefined;
  }
  async startLogin(): Promise<{ process: LoginProcess; first: StepOutcome }> {
    const process: LoginProcess = {
      submit: async (input) => {
        this.submits++;
        if (this.holding) await new Promise<void>((resolve) => this.gates.push(resolve));
        if (this.answer === 'ask-again') return { kind: 'step', step: GATED_STEP };
        return { kind: 'complete', login: { loginID: `u-${input.name}`, user: { id: `u-${input.name}`, username: input.name }, status: 'connected' } };
      },
      wait: () => Promise.reject(new Error('nothing to wait for')),
      cancel: async () => {
        this.cancels++;
      },
    };
    return { process, first: { kind: 'step', step: GATED_STEP } };
  }
  async logout() {}
}


/** A bridge whose calls fail in a chosen way. */
export class BrokenBridge extends GatedBridge {
  constructor(
    id: string,
    private readonly failure: { start?: Error; flows?: Error },
  ) {
    super({ id });
  }
  override async flows() {
    if (this.failure.flows) throw this.failure.flows;
    return super.flows();
  }
  override async startLogin() {
    if (this.failure.start) throw this.failure.start;
    return super.startLogin();
  }
}
