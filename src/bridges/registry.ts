/**
 * @module bridges
 * The configured bridges by ID. `bridges/demo` is the embedded demo bridge; `bridges/bridgev2`
 * drives mautrix bridgev2 bridges over their provisioning API. Both implement `types.ts`.
 */
import { ApiError, notFound } from '../errors.ts';
import type { Bridge } from './types.ts';

export class BridgeRegistry {
  private readonly byID = new Map<string, Bridge>();

  constructor(bridges: Bridge[]) {
    for (const b of bridges) {
      if (this.byID.has(b.descriptor.id)) throw new Error(`two bridges have the id "${b.descriptor.id}"`);
      this.byID.set(b.descriptor.id, b);
    }
  }

  /** The bridge, or 404 `not_found`. */
  get(id: string): Bridge {
    const b = this.byID.get(id);
    if (!b) throw notFound(`bridge "${id}"`);
    return b;
  }

  /** The bridge, or 404; 403 `bridge_disabled` when it is turned off. */
  getEnabled(id: string): Bridge {
    const b = this.get(id);
    if (!b.descriptor.enabled) throw new ApiError('bridge_disabled', `bridge "${id}" is disabled`);
    return b;
  }

  find(id: string): Bridge | undefined {
    return this.byID.get(id);
  }

  all(): Bridge[] {
    return [...this.byID.values()];
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((b) => b.close?.()));
  }
}
