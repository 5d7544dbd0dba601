/**
 * Sign in with Matrix in the web page, end to end: a real Synapse, the real server, Debian's
 * chromium. Two people sign in and connect an account each, at the same time.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startSynapse, type Synapse } from '../support/synapse.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { connectDemo, waitForHeading } from '../web/browser.ts';

interface Person {
  localpart: string;
  password: string;
  userID: string;
  page: Page;
  /** Every request body the page sent to bridge-login itself. */
  sentToServer: string[];
}

let synapse: Synapse;
let server: TestServer;
let browser: Browser;
const people: Person[] = [];

before(async () => {
  synapse = await startSynapse();
  server = await startTestServer({
    configure: (c) => {
      c.matrix = { allowedUsers: [`@*:${synapse.serverName}`], homeservers: { [synapse.serverName]: synapse.baseURL } };
    },
  });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  for (const localpart of ['alice', 'bob']) {
    const password = `${localpart}-matrix-password`;
    const userID = await synapse.register(localpart, password);
    const page = await (await browser.newContext()).newPage();
    const person: Person = { localpart, password, userID, page, sentToServer: [] };
    page.on('request', (request) => {
      if (request.url().startsWith(server.baseURL)) person.sentToServer.push(`${request.url()} ${request.postData() ?? ''} ${JSON.stringify(request.headers())}`);
    });
    people.push(person);
  }
});
after(async () => {
  await browser?.close();
  await server?.close();
  await synapse?.stop();
});

async function signIn(p: Person): Promise<void> {
  await p.page.goto(`${server.baseURL}/`);
  await p.page.getByLabel('Homeserver').fill(synapse.baseURL);
  await p.page.getByLabel('Matrix user name').fill(p.localpart);
  await p.page.getByLabel('Matrix password').fill(p.password);
  await p.page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await p.page.locator('#signed-in-as', { hasText: `Signed in as ${p.userID}` }).waitFor();
}

async function connectAccount(p: Person): Promise<void> {
  await connectDemo(p.page, 'password');
  await p.page.getByLabel('Username').fill(`${p.localpart}-chat`);
  await p.page.getByLabel('Password').fill('chat-password');
  await p.page.getByRole('button', { name: 'Continue' }).click();
  await waitForHeading(p.page, 'Account connected');
  await p.page.getByRole('button', { name: 'Back to accounts' }).click();
}

test('two people sign in with Matrix and connect an account each, at the same time; each sees only their own', async () => {
  await Promise.all(people.map(async (p) => {
    await signIn(p);
    await connectAccount(p);
  }));
  for (const p of people) {
    const demo = p.page.locator('#bridge-list:not([aria-busy]) [data-bridge="demo"]');
    await demo.locator('.login', { hasText: `${p.localpart}-chat` }).waitFor();
    for (const other of people) if (other !== p) assert.equal(await demo.locator('.login', { hasText: `${other.localpart}-chat` }).count(), 0);
    // The tab keeps only this server's token, and the Matrix password never went to this server.
    const stored = await p.page.evaluate(() => Object.keys(sessionStorage).sort());
    assert.deepEqual(stored, ['bridge-login.token', 'bridge-login.user']);
    assert.ok(p.sentToServer.length > 0);
    for (const line of p.sentToServer) assert.ok(!line.includes(p.password), `the password reached the server: ${line}`);
  }
  const users = await server.api('GET', '/v1/users');
  assert.deepEqual(users.body.items.map((u: any) => [u.userID, u.accounts]).sort(), people.map((p) => [p.userID, 1]).sort());
});

test('the owner sees the people and signs one out everywhere; their page asks them to sign in again', async () => {
  const [alice] = people as [Person];
  const owner = await (await browser.newContext()).newPage();
  await owner.goto(`${server.baseURL}/#token=${server.token}`);
  const row = owner.locator('#people-list li', { hasText: alice.userID });
  await row.waitFor();
  await row.getByRole('button', { name: `Sign ${alice.userID} out everywhere` }).click();
  await row.getByText('signed out').waitFor();
  await alice.page.getByRole('button', { name: 'Refresh' }).click();
  await alice.page.locator('#token-view:not([hidden])').waitFor();
  await owner.context().close();
});

test('a wrong Matrix password is refused by the homeserver, and the page says so', async () => {
  const [, bob] = people as [Person, Person];
  await bob.page.getByRole('button', { name: 'Sign out' }).click();
  await bob.page.locator('#token-view:not([hidden])').waitFor();
  await bob.page.getByLabel('Homeserver').fill(synapse.baseURL);
  await bob.page.getByLabel('Matrix user name').fill(bob.localpart);
  await bob.page.getByLabel('Matrix password').fill('not-the-password');
  await bob.page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await bob.page.locator('#matrix-error', { hasText: 'did not accept this user name and password' }).waitFor();
});
