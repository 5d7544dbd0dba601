/**
 * What each mautrix-go version of the matrix does, as the real-bridge tests observe it. The
 * tests assert every entry against the running bridge; docs/bridgev2.md's version table is
 * rendered from this (a fast test keeps the two equal).
 */

import { TEST_BRIDGE_VERSIONS as VERSIONS, type TestBridgeVersion as Version } from '../support/mautrix-test-bridge.ts';

export { VERSIONS, type Version };

export interface VersionBehaviour {
  /** Every step carries a `txn_id`. */
  txnID: boolean;
  /** `POST /v3/login/cancel/{id}` exists (else 404 `M_UNRECOGNIZED`). */
  cancelEndpoint: boolean;
  /** HTTP status of `FI.MAU.BRIDGE.TOO_MANY_LOGINS`. */
  tooManyLoginsStatus: 403 | 500;
  /** A plain connector error (e.g. "incorrect password") comes with `fi.mau.internal_error`. */
  internalError: boolean;
  /** A QR refresh whose answer was lost: replayed on the re-attach, or missed until the next one. */
  lostRefresh: 'replayed' | 'missed';
  /** A completion whose answer was lost: what the re-attach gets from the bridge. */
  lostCompletion: '404' | 'M_BAD_STATE';
  /** Cancelling a waiting session ends the login process on the bridge. */
  cancelEndsProcess: boolean;
  /** Input fields may be `optional` (v0.32+); before, every field is required. */
  optionalFields: boolean;
}

export const BEHAVIOUR: Record<Version, VersionBehaviour> = {
  'v0.33.0': {
    txnID: true,
    cancelEndpoint: true,
    tooManyLoginsStatus: 403,
    internalError: true,
    lostRefresh: 'replayed',
    lostCompletion: '404',
    cancelEndsProcess: true,
    optionalFields: true,
  },
  'v0.30.0': {
    txnID: true,
    cancelEndpoint: true,
    tooManyLoginsStatus: 403,
    internalError: true,
    lostRefresh: 'replayed',
    lostCompletion: '404',
    cancelEndsProcess: true,
    optionalFields: false,
  },
  'v0.29.0': {
    txnID: false,
    cancelEndpoint: true,
    tooManyLoginsStatus: 500,
    internalError: true,
    lostRefresh: 'missed',
    lostCompletion: '404',
    cancelEndsProcess: true,
    optionalFields: false,
  },
  'v0.26.0': {
    txnID: false,
    cancelEndpoint: false,
    tooManyLoginsStatus: 500,
    internalError: false,
    lostRefresh: 'missed',
    lostCompletion: 'M_BAD_STATE',
    cancelEndsProcess: false,
    optionalFields: false,
  },
};

const yes = (b: boolean): string => (b ? 'yes' : 'no');

/** The version table of docs/bridgev2.md, rendered from {@link BEHAVIOUR}. */
export function renderVersionTable(): string {
  const rows: [string, (b: VersionBehaviour) => string][] = [
    ['every flow of the test bridge, cancel, reconnect, `max_logins`, login states, logout, capabilities, restart mid-QR, bridge killed mid-login', () => 'pass'],
    ['`txn_id` on every step', (b) => yes(b.txnID)],
    ['`/login/cancel` endpoint', (b) => yes(b.cancelEndpoint)],
    ['cancelling a session ends the bridge\'s process', (b) => yes(b.cancelEndsProcess)],
    ['`TOO_MANY_LOGINS` status', (b) => String(b.tooManyLoginsStatus)],
    ['`fi.mau.internal_error` on a plain error', (b) => yes(b.internalError)],
    ['`optional` input fields', (b) => yes(b.optionalFields)],
    ['lost QR refresh (dropped long-poll)', (b) => (b.lostRefresh === 'replayed' ? 'replayed at once' : 'shown at the next refresh')],
    ['lost completion: the bridge answers', (b) => (b.lostCompletion === '404' ? '404' : '`M_BAD_STATE`')],
    ['lost completion: the session', () => 'complete (from the login list)'],
  ];
  const lines = [`| behaviour | ${VERSIONS.join(' | ')} |`, `| --- |${VERSIONS.map(() => ' --- |').join('')}`];
  for (const [name, cell] of rows) lines.push(`| ${name} | ${VERSIONS.map((v) => cell(BEHAVIOUR[v])).join(' | ')} |`);
  return lines.join('\n');
}
