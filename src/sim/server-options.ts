/** What every simulated server (DNS, WHOIS, RDAP) is built from. */
import type { CaseIndex } from './case-index.js';
import type { FaultCounters } from './fault-counters.js';
import type { ServerPacing } from './pacing.js';
import type { QueryRecorder } from './query-recorder.js';

export interface SimServerOptions {
  host: string;
  /** 0 = a free port (for DNS, the same one for UDP and TCP). */
  port: number;
  index: CaseIndex;
  faults: FaultCounters;
  recorder: QueryRecorder;
  pacing: ServerPacing;
}
