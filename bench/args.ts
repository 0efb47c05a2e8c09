/**
 * Command line of `npm run bench`. Every size is a flag so the lead can re-run one scenario at a
 * bigger or smaller scale; `--quick` picks sizes that finish in under 2 minutes on 2 cores.
 */

export const SCENARIOS = ['baseline', 'scaleout', 'unthrottled', 'memory', 'api', 'million'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchOptions {
  quick: boolean;
  only: ScenarioName[];
  /** Scenario 1: domains of the default-budget run. */
  baselineDomains: number;
  /** Scenario 2: domains per scale-out run. */
  scaleDomains: number;
  /** Scenario 2: worker counts to compare. */
  scaleWorkers: number[];
  /** Scenario 2: multiplier of the default per-worker budgets (DNS 10/s, WHOIS 5/s). */
  scaleFactor: number;
  /** Scenario 3: domains of the unthrottled throughput run (and of the profiled run). */
  unthrottledDomains: number;
  profileDomains: number;
  profile: boolean;
  /** Scenario 4: job sizes; the last one is "the" big job, the others show growth with size. */
  memoryDomains: number[];
  /** Scenario 6: domains of the streamed CSV job, and the workers that run it. */
  millionDomains: number;
  millionWorkers: number;
  /** Scenario 6: the door the CSV goes through (REST POST /scan/bulk, or GraphQL startBulkScanUpload). */
  millionDoor: 'rest' | 'graphql';
  /** Scenario 5. */
  pollers: number;
  pollSeconds: number;
  /** Pause of each poller between its requests (ms); 0 = closed loop (measures capacity). */
  pollIntervalMs: number;
  /** Domains of the long job the pollers watch (throttled, so it keeps running). */
  pollJobDomains: number;
  submitDomains: number;
  submitRuns: number;
  subscribers: number;
  /** Share of generated domains cloned from faulty corpus cases (DNS/WHOIS faults, throttle replies). */
  faultShare: number;
  /** Database of the service processes: auto = PostgreSQL if one answers, else PGlite. */
  database: 'auto' | 'postgres' | 'pglite';
  seed: number;
  outDir: string;
  help: boolean;
}

export const USAGE = `npm run bench [-- options]

  --quick                  small sizes, whole run < 2 min (100-domain baseline kept)
  --only a,b               run only these scenarios: ${SCENARIOS.join(', ')}
  --baseline-domains N     scenario 1 size (default 100)
  --scale-domains N        scenario 2 size per run (default 2000; quick 100, clean cases)
  --scale-workers 1,2,4    scenario 2 worker counts (default 1,2,4)
  --scale-factor K         scenario 2 per-worker budgets and concurrency x K (default 8: DNS 80/s, WHOIS 40/s, 40 in flight;
                           quick 4)
  --unthrottled-domains N  scenario 3 throughput run (default 5000; quick 1500)
  --profile-domains N      scenario 3 profiled run (default 3000; quick 1000)
  --no-profile             skip the CPU profile
  --memory-domains a,b     scenario 4 job sizes (default 2000,10000; quick 500,2000)
  --million-domains N      scenario 6 streamed CSV job size (default 1000000; quick 20000)
  --million-door D         scenario 6 door: rest (POST /scan/bulk, text/csv; default) or graphql
                           (startBulkScanUpload, a multipart file)
  --million-workers N      scenario 6 workers that then scan it (default 0: the upload only;
                           quick 2); e.g. --million-domains 100000 --million-workers 4
  --pollers N              scenario 5 concurrent pollers (default 50)
  --poll-seconds S         scenario 5 polling window (default 15; quick 8)
  --poll-interval-ms N      scenario 5 pause of each poller between requests (default 100;
                           0 = closed loop; full runs add a closed-loop capacity pass)
  --poll-job-domains N     scenario 5 long job size (default 2000)
  --submit-domains N       scenario 5 submission size (default 10000)
  --database D             auto (PostgreSQL at DATABASE_URL or 127.0.0.1:5432 if it answers,
                           a schema per stack; else PGlite), postgres, or pglite
  --submit-runs N          scenario 5 submissions timed (default 3)
  --subscribers N          scenario 5 concurrent subscribers (default 200; quick 50)
  --fault-share F          share of faulty generated domains (default 0.05)
  --seed N                 simulator latency seed (default 0x5eed)
  --out DIR                results directory (default bench/results)
`;

function list(value: string): number[] {
  return value
    .split(',')
    .map((x) => Number(x.trim()))
    .filter((x) => Number.isFinite(x) && x > 0);
}

export function parseArgs(argv: string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const o: BenchOptions = {
    quick,
    only: [...SCENARIOS],
    baselineDomains: 100,
    scaleDomains: quick ? 100 : 2000,
    scaleWorkers: [1, 2, 4],
    scaleFactor: quick ? 4 : 8,
    unthrottledDomains: quick ? 1500 : 5000,
    profileDomains: quick ? 1000 : 3000,
    profile: true,
    memoryDomains: quick ? [500, 2000] : [2000, 10000],
    millionDomains: quick ? 20_000 : 1_000_000,
    // a full run uploads the million without scanning it (scanning it takes ~40 min on 2 cores, and
    // a million simulator cases do not fit the bench's heap); --million-workers N scans too
    millionWorkers: quick ? 2 : 0,
    millionDoor: 'rest',
    pollers: 50,
    pollSeconds: quick ? 8 : 15,
    pollIntervalMs: 100,
    pollJobDomains: 2000,
    submitDomains: 10000,
    submitRuns: 3,
    subscribers: quick ? 50 : 200,
    faultShare: 0.05,
    database: 'auto',
    seed: 0x5eed,
    outDir: 'bench/results',
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const int = () => {
      const n = Number(value());
      if (!Number.isFinite(n) || n < 0) throw new Error(`${flag}: expected a number`);
      return n;
    };
    switch (flag) {
      case '--quick':
        break;
      case '--help':
      case '-h':
        o.help = true;
        break;
      case '--only': {
        const names = value().split(',').map((s) => s.trim());
        for (const n of names) if (!SCENARIOS.includes(n as ScenarioName)) throw new Error(`--only: unknown scenario "${n}" (${SCENARIOS.join(', ')})`);
        o.only = names as ScenarioName[];
        break;
      }
      case '--baseline-domains':
        o.baselineDomains = int();
        break;
      case '--scale-domains':
        o.scaleDomains = int();
        break;
      case '--scale-workers':
        o.scaleWorkers = list(value());
        break;
      case '--scale-factor':
        o.scaleFactor = int();
        break;
      case '--unthrottled-domains':
        o.unthrottledDomains = int();
        break;
      case '--million-domains':
        o.millionDomains = int();
        break;
      case '--million-workers':
        o.millionWorkers = int();
        break;
      case '--million-door': {
        const door = argv[++i];
        if (door !== 'rest' && door !== 'graphql') throw new Error(`--million-door: rest or graphql, not ${door}`);
        o.millionDoor = door;
        break;
      }
      case '--profile-domains':
        o.profileDomains = int();
        break;
      case '--no-profile':
        o.profile = false;
        break;
      case '--memory-domains':
        o.memoryDomains = list(value());
        break;
      case '--pollers':
        o.pollers = int();
        break;
      case '--poll-seconds':
        o.pollSeconds = int();
        break;
      case '--poll-interval-ms':
        o.pollIntervalMs = int();
        break;
      case '--poll-job-domains':
        o.pollJobDomains = int();
        break;
      case '--submit-domains':
        o.submitDomains = int();
        break;
      case '--submit-runs':
        o.submitRuns = int();
        break;
      case '--subscribers':
        o.subscribers = int();
        break;
      case '--fault-share':
        o.faultShare = Number(value());
        if (!(o.faultShare >= 0 && o.faultShare <= 1)) throw new Error('--fault-share: expected 0..1');
        break;
      case '--database': {
        const d = value();
        if (d !== 'auto' && d !== 'postgres' && d !== 'pglite') throw new Error('--database: expected auto, postgres or pglite');
        o.database = d;
        break;
      }
      case '--seed':
        o.seed = int();
        break;
      case '--out':
        o.outDir = value();
        break;
      default:
        throw new Error(`unknown option ${flag}\n\n${USAGE}`);
    }
  }
  return o;
}
