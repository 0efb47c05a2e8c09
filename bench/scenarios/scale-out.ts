/**
 * Scenario 2: the same job with 1, 2 and 4 worker processes, each with its own budget
 * (SCOUT_RATE_SCOPE=worker), realistic latency. Driven through GraphQL: `startBulkScan`, then the
 * `bulkScanProgress` subscription over SSE until its final event. Speedup = wall(1) / wall(N).
 *
 * 2000 domains (--scale-domains) as the issue asks. At the default budgets (DNS 10/s per worker)
 * they take ~18 min with one worker, so the per-worker budgets are multiplied (--scale-factor,
 * default x8: DNS 80/s, WHOIS 40/s, 40 domains in flight; the whole scenario takes ~4 min): the
 * speedup is what this scenario measures. A fixed cost (the last domains' retries, the first
 * domains' start) weighs more the shorter the run, so smaller sizes understate the speedup.
 */
import { gqlStart, sseProgress } from '../client.js';
import { buildCases, computeFloor, countQueries, REALISTIC_LATENCY, round2, timeline, type Floor, type Timeline } from '../sim-setup.js';
import { DEFAULT_BUDGETS, startStack, type Budgets } from '../stack.js';
import { cpuMeter, simLimitsFor, type BenchContext } from './common.js';

export interface ScaleRun {
  workers: number;
  wallSeconds: number;
  floor: Floor;
  ratio: number;
  status: string;
  processed: number;
  succeeded: number;
  failed: number;
  progressEvents: number;
  /** Seconds until 90% of the domains were processed (from the progress events): the
   * throughput part of the run, without the tail of retried domains. */
  t90Seconds: number | null;
  queries: { dns: number; whois: number; rdap: number; rateLimited: { dns: number; whois: number; rdap: number } };
  timeline: Timeline;
  cpuSeconds: Record<string, number>;
}

export interface ScaleOutResult {
  domains: number;
  faultShare: number;
  budgetsPerWorker: Budgets;
  scaleFactor: number;
  runs: ScaleRun[];
  /** workers -> wall(1) / wall(N) */
  speedup: Record<string, number>;
  /** workers -> floor(1) / floor(N): the speedup the budgets allow for the queries actually sent */
  idealSpeedup: Record<string, number>;
  /** workers -> t90(1) / t90(N): speedup of the first 90% of the job (no retry tail) */
  speedupT90: Record<string, number>;
}

export async function runScaleOut(ctx: BenchContext): Promise<ScaleOutResult> {
  const n = ctx.opts.scaleDomains;
  const k = ctx.opts.scaleFactor;
  // the whole default setup sped up k times: budgets and the domains in flight to use them
  // (5 domains in flight keep 10 DNS queries/s busy, not 40: slow and retrying domains hold slots)
  const budgets: Budgets = { dnsRate: DEFAULT_BUDGETS.dnsRate * k, whoisRate: DEFAULT_BUDGETS.whoisRate * k, concurrency: DEFAULT_BUDGETS.concurrency * k };
  // --quick: clean cases, so a run is not dominated by the fixed retry tail of faulty domains
  const faultShare = ctx.opts.quick ? 0 : ctx.opts.faultShare;
  const generated = buildCases(n, faultShare);
  const runs: ScaleRun[] = [];
  // one API and simulator for all runs; the workers are replaced per run, sim.reset() restores
  // the fault budgets and empties the query log
  const stack = await startStack({
    name: 'scaleout',
    runId: ctx.runId,
    logRoot: ctx.logRoot,
    generated,
    latency: REALISTIC_LATENCY,
    rateLimit: simLimitsFor(budgets, Math.max(...ctx.opts.scaleWorkers)),
    seed: ctx.opts.seed,
    budgets,
    workers: 0,
  });
  try {
    for (const workers of ctx.opts.scaleWorkers) {
      await stack.setWorkers(workers);
      stack.setup.sim.reset();
      const cpu = cpuMeter([stack.api, ...stack.workers]);
      const t0 = performance.now();
      const t0Epoch = Date.now();
      const { id } = await gqlStart(stack.api.baseUrl, generated.domains);
      let t90: number | null = null;
      const followed = await sseProgress(stack.api.baseUrl, id, 30 * 60_000, (e) => {
        if (t90 === null && e.processed >= 0.9 * e.total) t90 = round2((performance.now() - t0) / 1000);
      });
      const wallSeconds = round2((followed.at - t0) / 1000);
      const cpuSeconds = cpu();
      const simLog = stack.setup.sim.log();
      const q = countQueries(simLog, generated.info);
      const floor = computeFloor(q.totals, { dns: budgets.dnsRate, whois: budgets.whoisRate }, workers);
      const last = followed.last;
      runs.push({
        workers,
        wallSeconds,
        floor,
        ratio: round2(wallSeconds / floor.seconds),
        status: last?.status ?? 'no event',
        processed: last?.processed ?? 0,
        succeeded: last?.succeeded ?? 0,
        failed: last?.failed ?? 0,
        progressEvents: followed.events,
        t90Seconds: t90,
        queries: { dns: q.totals.dnsUdp, whois: q.totals.whois, rdap: q.totals.rdap, rateLimited: q.totals.rateLimited },
        timeline: timeline(simLog, generated.info, t0Epoch, wallSeconds, budgets.dnsRate * workers),
        cpuSeconds,
      });
      ctx.log(`   ${workers} worker(s): ${wallSeconds} s (floor ${floor.seconds} s, 90% at ${t90} s, ${last?.status} ${last?.processed}/${n})`);
    }
  } finally {
    await stack.close();
  }
  const base = runs.find((r) => r.workers === 1) ?? runs[0];
  const speedup: Record<string, number> = {};
  const idealSpeedup: Record<string, number> = {};
  const speedupT90: Record<string, number> = {};
  for (const r of runs) {
    if (base.t90Seconds && r.t90Seconds) speedupT90[r.workers] = round2(base.t90Seconds / r.t90Seconds);
    speedup[r.workers] = round2(base.wallSeconds / r.wallSeconds);
    idealSpeedup[r.workers] = round2(base.floor.seconds / r.floor.seconds);
  }
  return { domains: n, faultShare, budgetsPerWorker: budgets, scaleFactor: k, runs, speedup, idealSpeedup, speedupT90 };
}
