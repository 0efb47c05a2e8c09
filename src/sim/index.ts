/** Public surface of the simulator for tests and benchmarks. */
export { startSimulator, type Simulator, type SimulatorOptions } from './simulator.js';
export { loadCases, parseCaseFile, cloneCase, generateCases, caseHasFault, type GenerateCasesOptions } from './sim.cases.js';
export { WHOIS_RATE_LIMIT_REPLY } from './whois-server.js';
export type * from './sim.types.js';
