import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scrubValue } from '../../src/sessions/scrub.ts';

test('a resume state is cleaned of a submitted secret, but its identities stay exact', () => {
  const secret = 'hunter2-secret';
  const state = {
    version: 1,
    processID: 'p1',
    knownLoginIDs: ['alice', `user-${secret}`],
    reloginID: `user-${secret}`,
    envelope: { login_id: `l-${secret}`, step_id: 's1', type: 'user_input', instructions: `You typed ${secret}`, user_input: { fields: [{ id: 'code', default_value: secret }] } },
  };
  const cleaned = scrubValue(state, [secret]);
  assert.deepEqual(cleaned.knownLoginIDs, state.knownLoginIDs, 'login IDs are the bridge\'s identities: kept');
  assert.equal(cleaned.reloginID, state.reloginID);
  assert.equal(cleaned.envelope.login_id, state.envelope.login_id);
  assert.equal(cleaned.envelope.instructions, 'You typed [redacted]');
  assert.equal(cleaned.envelope.user_input.fields[0]!.default_value, '[redacted]');
  assert.ok(!JSON.stringify({ ...cleaned, knownLoginIDs: [], reloginID: '', envelope: { ...cleaned.envelope, login_id: '' } }).includes(secret));
  assert.equal(scrubValue(state, []), state, 'nothing to clean: the same object');
});

test('strings in a list under an ordinary key are cleaned', () => {
  assert.deepEqual(scrubValue({ details: { input: ['abcd1234', 'ok'] } }, ['abcd1234']), { details: { input: ['[redacted]', 'ok'] } });
});
