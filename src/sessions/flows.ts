/** Which of a bridge's login flows a new session uses (api.md §4). */
import { ApiError } from '../errors.ts';
import { unreachable } from '../bridges/errors.ts';
import { BridgeUnavailableError, type Bridge } from '../bridges/types.ts';

/** The flow `flowID` if the bridge offers it (else 400 `unknown_flow`), or its first flow. */
export async function pickFlow(bridge: Bridge, flowID: string | undefined, onError: (err: unknown, context: string) => void): Promise<string> {
  let flows;
  try {
    flows = await bridge.flows();
  } catch (err) {
    if (!(err instanceof BridgeUnavailableError)) onError(err, `listing the flows of bridge "${bridge.descriptor.id}"`);
    // Whatever the failure, a bridge that cannot list its flows cannot take a login now.
    throw unreachable(bridge.descriptor.id, err);
  }
  if (flowID === undefined) {
    const first = flows[0];
    if (!first) throw new ApiError('bridge_unavailable', `bridge "${bridge.descriptor.id}" offers no login flow right now`);
    return first.id;
  }
  if (!flows.some((f) => f.id === flowID)) {
    throw new ApiError('unknown_flow', `flow "${flowID}" is not one of bridge "${bridge.descriptor.id}"'s flows`, { flows: flows.map((f) => f.id) });
  }
  return flowID;
}
