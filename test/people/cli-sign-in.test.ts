/** `bridge-login login` against the fake homeserver (test/synapse/ runs the same against Synapse). */
import { startFakeHomeserver } from '../support/fake-homeserver.ts';
import { cliSignInSuite } from './cli-sign-in-suite.ts';

cliSignInSuite(async () => {
  const fake = await startFakeHomeserver({ serverName: 'people.test' });
  return {
    baseURL: fake.baseURL,
    serverName: fake.serverName,
    register: async (localpart, password) => fake.addUser(localpart, password),
    stop: () => fake.close(),
  };
});
