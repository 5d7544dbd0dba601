/** The OpenID check against a real Synapse (npm run test:people). */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MatrixOpenID, MatrixSignInError } from '../../src/people/matrix-openid.ts';
import { startSynapse, type Synapse } from '../support/synapse.ts';

let synapse: Synapse;
before(async () => {
  synapse = await startSynapse();
  console.log(`# Synapse answered ${Math.round(synapse.startMs)} ms after it was spawned`);
});
after(() => synapse?.stop());

const code = (c: string) => (err: unknown) => err instanceof MatrixSignInError && err.code === c;

test('Synapse: its OpenID token names the person; a forged one and one claimed for another server are refused', async () => {
  const alice = await synapse.register('alice', 'alice-password-1');
  const { access_token: openidToken, matrix_server_name: serverName } = await synapse.requestOpenID(await synapse.login('alice', 'alice-password-1'), alice);
  assert.equal(serverName, synapse.serverName);
  const openid = new MatrixOpenID({ allowedUsers: [`@*:${synapse.serverName}`], homeservers: { [synapse.serverName]: synapse.baseURL, 'other.test': synapse.baseURL } });
  assert.equal(await openid.verify(openidToken, serverName), alice);
  await assert.rejects(openid.verify(`${openidToken}x`, serverName), code('invalid_openid_token'));

  const anyone = new MatrixOpenID({ allowedUsers: ['*'], homeservers: { 'other.test': synapse.baseURL } });
  await assert.rejects(anyone.verify(openidToken, 'other.test'), code('invalid_openid_token'));
});

test('Synapse: allowedUsers lets only the matching people in', async () => {
  const bob = await synapse.register('bob', 'bob-password-1');
  const token = (await synapse.requestOpenID(await synapse.login('bob', 'bob-password-1'), bob)).access_token;
  const onlyAlice = new MatrixOpenID({ allowedUsers: [`@alice:${synapse.serverName}`], homeservers: { [synapse.serverName]: synapse.baseURL } });
  await assert.rejects(onlyAlice.verify(token, synapse.serverName), code('user_not_allowed'));
});
