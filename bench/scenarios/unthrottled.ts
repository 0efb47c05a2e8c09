/**
 * Scenario 3: budgets lifted (rates 100000/s, concurrency 50), zero-latency simulator, clean
 * cases: how many domains per second one worker process scans, and what the CPU does.
 * One API (run with --cpu-prof when profiling) and one simulator; workers are swapped per run.
 * The profiled run uses a worker started with --cpu-prof; only the samples taken during that
 * job are counted (start-up through tsx and shutdown are left out).
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { gqlStart, sseProgress } from '../client.js';
import { mainThreadProfile, summarizeProfile, type ProfileSummary } from '../profile.js';
import { ROOT } from '../processes.js';
import { buildCases, round2, type GeneratedCases } from '../sim-setup.js';
import { LIFTED_BUDGETS, startStack, type Budgets, type Stack } from '../stack.js';
import { cpuMeter, round1, type BenchContext } from './common.js';

export interface ThroughputRun {
  workers: number;
  domains: number;
  wallSeconds: number;
  domainsPerSecond: number;
  domainsPerSecondPerWorker: number;
  status: string;
  processed: number;
  cpuSeconds: Record<string, number>;
  /** CPU ms per domain per process (workers: summed). */
  cpuMsPerDomain: Record<string, number>;
}

export interface UnthrottledResult {
  budgets: Budgets;
  /** Share of faulty domains in the throughput runs. */
  faultShare: number;
  runs: ThroughputRun[];
  profile?: { domains: number; wallSeconds: number; worker?: ProfileSummary; api?: ProfileSummary; note: string };
  /** Full runs only: a job with the usual share of faulty domains, to show what faults cost. */
  withFaults?: ThroughputRun & { faultShare: number };
}

const monoUs = () => Number(process.hrtime.bigint() / 1000n);

async function runJob(stack: Stack, generated: GeneratedCases, count: number): Promise<{ run: ThroughputRun; window: { fromUs: number; toUs: number } }> {
  const domains = generated.domains.slice(0, count);
  const workers = stack.workers.length;
  stack.setup.sim.reset();
  const cpu = cpuMeter([stack.api, ...stack.workers]);
  const t0 = performance.now();
  const fromUs = monoUs();
  const { id } = await gqlStart(stack.api.baseUrl, domains);
  const followed = await sseProgress(stack.api.baseUrl, id, 30 * 60_000);
  const toUs = monoUs();
  const wallSeconds = round2((followed.at - t0) / 1000);
  const cpuSeconds = cpu();
  const cpuMsPerDomain: Record<string, number> = {};
  let workerCpu = 0;
  for (const [k, v] of Object.entries(cpuSeconds)) {
    if (k.includes('-worker')) workerCpu += v;
    else cpuMsPerDomain[k.endsWith('-api') ? 'api' : k] = round2((v * 1000) / count);
  }
  cpuMsPerDomain.workers = round2((workerCpu * 1000) / count);
  const dps = count / wallSeconds;
  return {
    run: {
      workers,
      domains: count,
      wallSeconds,
      domainsPerSecond: round1(dps),
      domainsPerSecondPerWorker: round1(dps / workers),
      status: followed.last?.status ?? 'no event',
      processed: followed.last?.processed ?? 0,
      cpuSeconds,
      cpuMsPerDomain,
    },
    window: { fromUs, toUs },
  };
}

export async function runUnthrottled(ctx: BenchContext): Promise<UnthrottledResult> {
  const { opts } = ctx;
  const profDir = path.join(ctx.resultsDir, 'prof', ctx.runId);
  if (opts.profile) {
    rmSync(profDir, { recursive: true, force: true });
    mkdirSync(path.join(profDir, 'worker'), { recursive: true });
    mkdirSync(path.join(profDir, 'api'), { recursive: true });
  }
  // clean cases: a faulty domain costs timeouts and backoff pauses (wall time, not CPU)
  const generated = buildCases(Math.max(opts.unthrottledDomains, opts.profileDomains), 0);
  const stack = await startStack({
    name: 'unthrottled',
    runId: ctx.runId,
    logRoot: ctx.logRoot,
    generated,
    seed: opts.seed,
    budgets: LIFTED_BUDGETS,
    workers: 0,
    apiNodeArgs: opts.profile ? ['--cpu-prof', '--cpu-prof-dir', path.join(profDir, 'api')] : [],
  });
  const result: UnthrottledResult = { budgets: LIFTED_BUDGETS, faultShare: 0, runs: [] };
  try {
    for (const workers of opts.quick ? [1] : [1, 2]) {
      await stack.setWorkers(workers);
      const { run } = await runJob(stack, generated, opts.unthrottledDomains);
      result.runs.push(run);
      ctx.log(`   ${workers} worker(s): ${run.domainsPerSecond} domains/s (${run.domainsPerSecondPerWorker}/s per worker), worker CPU ${run.cpuMsPerDomain.workers} ms/domain, API ${run.cpuMsPerDomain.api} ms/domain`);
    }
    if (opts.profile) {
      await stack.setWorkers(1, () => ['--cpu-prof', '--cpu-prof-dir', path.join(profDir, 'worker')]);
      const { run, window } = await runJob(stack, generated, opts.profileDomains);
      // the profiles are written when the processes exit
      await stack.stopWorkers();
      await stack.api.stop();
      const workerFile = mainThreadProfile(path.join(profDir, 'worker'));
      const apiFile = mainThreadProfile(path.join(profDir, 'api'));
      result.profile = {
        domains: run.domains,
        wallSeconds: run.wallSeconds,
        worker: workerFile ? summarizeProfile(workerFile, ROOT, 10, window) : undefined,
        api: apiFile ? summarizeProfile(apiFile, ROOT, 10, window) : undefined,
        note: `node --cpu-prof on the worker and the API, samples of the job window only (${run.wallSeconds} s, ${run.domains} clean domains, ${run.domainsPerSecond} domains/s while profiled); self time; % of non-idle time; files in ${path.relative(ROOT, profDir)}`,
      };
      if (!workerFile) ctx.log('   no worker .cpuprofile written (did the worker exit gracefully?)');
    }
  } finally {
    await stack.close();
  }
  if (!opts.quick && opts.faultShare > 0) {
    // a separate stack: the API above may have been stopped for its profile
    const n = Math.min(opts.unthrottledDomains, 800);
    const faulty = buildCases(n, opts.faultShare);
    const s2 = await startStack({ name: 'unthrottled-faults', runId: ctx.runId, logRoot: ctx.logRoot, generated: faulty, seed: opts.seed, budgets: LIFTED_BUDGETS, workers: 1 });
    try {
      const { run } = await runJob(s2, faulty, n);
      result.withFaults = { ...run, faultShare: opts.faultShare };
      ctx.log(`   with ${opts.faultShare * 100}% faulty domains: ${run.domainsPerSecond} domains/s over ${n} (timeouts, retries, throttle backoff)`);
    } finally {
      await s2.close();
    }
  }
  return result;
}
