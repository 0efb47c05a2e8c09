/**
 * Scenario 1: N domains (100), 1 worker, default budgets, realistic latency, a few faults.
 * Driven through REST-compat: POST /scan/bulk, poll GET /scan/bulk/{id}, GET .../results.
 * Wall time vs the floor the budgets impose, and queries per domain by provider kind.
 */
import { pollUntilFinished, restResults, restSubmit } from '../client.js';
import { buildCases, computeFloor, countQueries, FLOOR_FORMULA, REALISTIC_LATENCY, round2, timeline, type Floor, type QueryReport, type Timeline } from '../sim-setup.js';
import { DEFAULT_BUDGETS, startStack } from '../stack.js';
import { cpuMeter, simLimitsFor, type BenchContext } from './common.js';

export interface BaselineResult {
  domains: number;
  faultyDomains: number;
  budgets: typeof DEFAULT_BUDGETS;
  wallSeconds: number;
  /** finished_at - created_at as the service recorded them. */
  serverWallSeconds: number | null;
  floor: Floor;
  floorFormula: string;
  ratio: number;
  job: { status: string; succeeded: number; failed: number; results: number; errorCodes: Record<string, number> };
  queries: QueryReport;
  timeline: Timeline;
  cpuSeconds: Record<string, number>;
}

export async function runBaseline(ctx: BenchContext): Promise<BaselineResult> {
  const n = ctx.opts.baselineDomains;
  const generated = buildCases(n, ctx.opts.faultShare);
  const budgets = DEFAULT_BUDGETS;
  const stack = await startStack({
    name: 'baseline',
    runId: ctx.runId,
    logRoot: ctx.logRoot,
    generated,
    latency: REALISTIC_LATENCY,
    rateLimit: simLimitsFor(budgets, 1),
    seed: ctx.opts.seed,
    budgets,
    workers: 1,
  });
  try {
    stack.setup.sim.reset();
    const cpu = cpuMeter([stack.api, ...stack.workers]);
    const t0 = performance.now();
    const t0Epoch = Date.now();
    const { job_id: id } = await restSubmit(stack.api.baseUrl, generated.domains);
    ctx.log(`  job ${id}: ${n} domains submitted, polling GET /scan/bulk/${id.slice(0, 8)}... every 100 ms`);
    const { status, at } = await pollUntilFinished(stack.api.baseUrl, id, 30 * 60_000, 100);
    const wallSeconds = round2((at - t0) / 1000);
    const cpuSeconds = cpu();
    const results = await restResults(stack.api.baseUrl, id);
    const simLog = stack.setup.sim.log();
    const queries = countQueries(simLog, generated.info);
    const floor = computeFloor(queries.totals, { dns: budgets.dnsRate, whois: budgets.whoisRate }, 1);
    const errorCodes: Record<string, number> = {};
    for (const e of status.errors) errorCodes[e.code] = (errorCodes[e.code] ?? 0) + 1;
    const serverWall = status.finished_at && status.created_at ? (Date.parse(status.finished_at) - Date.parse(status.created_at)) / 1000 : null;
    return {
      domains: n,
      faultyDomains: [...generated.info.values()].filter((i) => i.faulty).length,
      budgets,
      wallSeconds,
      serverWallSeconds: serverWall === null ? null : round2(serverWall),
      floor,
      floorFormula: FLOOR_FORMULA,
      ratio: round2(wallSeconds / floor.seconds),
      job: { status: status.status, succeeded: status.succeeded, failed: status.failed, results: results.results.length, errorCodes },
      queries,
      timeline: timeline(simLog, generated.info, t0Epoch, wallSeconds, budgets.dnsRate),
      cpuSeconds,
    };
  } finally {
    await stack.close();
  }
}
