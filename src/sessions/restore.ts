/**
 * Start-up only: load the stored sessions. Finished ones stay readable for their retention;
 * unfinished ones are resumed where the bridge can, else failed `session_interrupted`.
 */
import type { Clock } from '../clock.ts';
import type { BridgeRegistry } from '../bridges/registry.ts';
import type { LoginProcess } from '../bridges/types.ts';
import type { SessionStorage, StoredSession } from '../store/storage.ts';
import * as machine from './machine.ts';
import { LiveSession } from './live.ts';
import { isFinished } from './model.ts';
import type { SessionRecorder } from './recorder.ts';
import type { SessionTable } from './table.ts';

export interface RestoreDeps {
  clock: Clock;
  store: SessionStorage;
  bridges: BridgeRegistry;
  table: SessionTable;
  recorder: SessionRecorder;
  retentionMs: number;
  /** This instance now drives the session (its lease is renewed from now on). */
  adopt?: (id: string) => void;
  onError: (err: unknown, context: string) => void;
}

/** Load and resume the stored sessions; returns how many were resumed and how many interrupted. */
export async function restoreSessions(deps: RestoreDeps): Promise<{ resumed: number; interrupted: number }> {
  const { table } = deps;
  const now = deps.clock.now();
  const { sessions: stored, replies } = await deps.store.load(now - deps.retentionMs);
  let resumed = 0;
  let interrupted = 0;
  // Finished sessions first, in the order their retention ends (so that each deadline is
  // added at the end of its queue), then the unfinished ones in the order they were created.
  const finished = stored.filter((s) => isFinished(s.session)).sort((a, b) => a.session.finishedAt! - b.session.finishedAt!);
  // Finished ones are not held: they are read from the store until their retention ends.
  for (const { session } of finished) table.retained.add(session.id, session.finishedAt!);
  for (const one of stored.filter((s) => !isFinished(s.session))) {
    const outcome = await resumeStored(deps, one, replies.get(one.session.id), now);
    if (outcome === 'resumed') resumed++;
    else if (outcome === 'interrupted') interrupted++;
  }
  return { resumed, interrupted };
}

/**
 * Drive one stored unfinished session here from now on (at start, or taken over from another
 * instance): expired if its time is up, resumed where its bridge can, else failed
 * `session_interrupted`. A session already held here is left as it is.
 */
export async function resumeStored(deps: RestoreDeps, stored: StoredSession, kept: ReadonlyMap<string, string> | undefined, now: number): Promise<'resumed' | 'interrupted' | 'expired' | 'held'> {
  const { table, recorder } = deps;
  const { session, bridgeState } = stored;
  if (table.has(session.id)) return 'held';
  const live = new LiveSession(session);
  if (kept) live.resetReplies(kept);
  table.addActive(live);
  deps.adopt?.(session.id);
  if (now >= session.expiresAt) {
    recorder.record(live, machine.expiredIfDue(session, now));
    return 'expired';
  }
  const bridge = deps.bridges.find(session.bridgeID);
  const step = session.step;
  let process: LoginProcess | undefined;
  if (bridge?.resumeLogin && bridgeState !== undefined && step && step.type !== 'complete') {
    try {
      process = await bridge.resumeLogin(bridgeState, step, session.owner);
    } catch (err) {
      deps.onError(err, 'resuming a login session');
    }
  }
  if (!process || !bridge) {
    recorder.record(live, machine.failed(session, machine.INTERRUPTED_ERROR, now));
    return 'interrupted';
  }
  live.attach(process);
  table.scheduleExpiry(live);
  if (step?.type === 'display_and_wait') recorder.waitInBackground(live, bridge);
  return 'resumed';
}
