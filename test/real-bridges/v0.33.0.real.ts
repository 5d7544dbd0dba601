import { realBridgeSuite } from './suite.ts';

realBridgeSuite('v0.33.0');
