import { describeBridgesAndLogins } from './bridges-and-logins-suite.ts';

describeBridgesAndLogins('SQLite', () => Promise.resolve({}));
