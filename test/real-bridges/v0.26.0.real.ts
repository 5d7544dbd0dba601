import { realBridgeSuite } from './suite.ts';

realBridgeSuite('v0.26.0');
