/** `bridge-login login` against a real Synapse (the shared suite in test/people/). */
import { startSynapse } from '../support/synapse.ts';
import { cliSignInSuite } from '../people/cli-sign-in-suite.ts';

cliSignInSuite(startSynapse);
