import { realBridgeSuite } from './suite.ts';

realBridgeSuite('v0.29.0');
