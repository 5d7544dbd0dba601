/** The OpenID check against a real Synapse (npm run test:people). */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MatrixOpenID, MatrixSignInError } from '../../src/people/matrix-openid.ts';
import { startSynapse, type Synapse } from '../support/synapse.ts';
import { startTestServer } from '../support/server.ts';

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

test("Synapse: an OpenID token whose lifetime ran out is 401 invalid_openid_token; the token it got before keeps working", async () => {
  const carol = await synapse.register('carol', 'carol-password-1');
  const issued = await synapse.requestOpenID(await synapse.login('carol', 'carol-password-1'), carol);
  assert.equal(issued.expires_in, 3600, "Synapse's fixed OpenID lifetime");
  const s = await startTestServer({
    configure: (c) => {
      c.matrix = { allowedUsers: [`@*:${synapse.serverName}`], homeservers: { [synapse.serverName]: synapse.baseURL } };
    },
  });
  try {
    const exchange = () => s.api('POST', '/v1/auth/matrix', { accessToken: issued.access_token, matrixServerName: synapse.serverName }, { authorization: '' });
    const first = await exchange();
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.userID, carol);

    synapse.expireOpenID(issued.access_token);
    const late = await exchange();
    assert.equal(late.status, 401, late.text);
    assert.equal(late.body.code, 'invalid_openid_token');
    assert.ok(!late.text.includes(issued.access_token), 'the OpenID token is not echoed');
    // This server's token has its own lifetime: the OpenID token's end does not sign the person out.
    const accounts = await s.api('GET', '/v1/accounts', undefined, { authorization: `Bearer ${first.body.accessToken}` });
    assert.equal(accounts.status, 200, accounts.text);
  } finally {
    await s.close();
  }
});
