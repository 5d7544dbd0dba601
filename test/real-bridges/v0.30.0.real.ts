import { realBridgeSuite } from './suite.ts';

realBridgeSuite('v0.30.0');
