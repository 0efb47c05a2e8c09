/**
 * Scenario 4: RSS of the API and of a worker process during and after jobs of growing size
 * (default 2000 then 10000 domains), one after the other in the same processes, RSS read from
 * /proc/<pid>/status every 200 ms. Unthrottled (budgets lifted, zero latency, clean cases) so the
 * 10000-domain job finishes in seconds; what matters is whether memory follows job size.
 * "After" = RSS once the job has ended and the API is idle again (it copies a finished job into
 * its database), without forcing a GC.
 */
import { gqlStart, sseProgress } from '../client.js';
import { mb, sampleRss, type RssSeries } from '../processes.js';
import { buildCases, round2 } from '../sim-setup.js';
import { DEFAULT_BUDGETS, LIFTED_BUDGETS, startStack } from '../stack.js';
import { sleep, type BenchContext } from './common.js';
import type { ServiceProcess } from '../processes.js';

export interface MemoryJob {
  domains: number;
  wallSeconds: number;
  status: string;
  /** MB */
  apiPeak: number;
  workerPeak: number;
  apiAfter: number;
  workerAfter: number;
  /** Seconds the API stayed busy after the final event (persisting the job). */
  settleSeconds: number;
}

export interface MemoryResult {
  idle: { api: number; worker: number };
  jobs: MemoryJob[];
  /** Peak of the largest job / peak of the smallest job, per process. */
  growth: { api: number; worker: number };
  samples: { api: RssSeries; worker: RssSeries };
}

/** Wait until a process uses < 5% of a core over 1 s (or `maxMs` pass); returns the seconds waited. */
async function waitIdle(proc: ServiceProcess, maxMs: number): Promise<number> {
  const t0 = performance.now();
  let last = proc.cpuSeconds() ?? 0;
  while (performance.now() - t0 < maxMs) {
    await sleep(1000);
    const now = proc.cpuSeconds() ?? 0;
    if (now - last < 0.05) break;
    last = now;
  }
  return round2((performance.now() - t0) / 1000);
}

export async function runMemory(ctx: BenchContext): Promise<MemoryResult> {
  const sizes = [...ctx.opts.memoryDomains].sort((a, b) => a - b);
  const total = sizes.reduce((a, b) => a + b, 0);
  // clean cases, a disjoint slice of them per job
  const generated = buildCases(total, 0);
  const stack = await startStack({
    name: 'memory',
    runId: ctx.runId,
    logRoot: ctx.logRoot,
    generated,
    seed: ctx.opts.seed,
    // rate limits lifted so 10 000 domains finish in seconds; the default 5 domains in flight
    budgets: { ...LIFTED_BUDGETS, concurrency: DEFAULT_BUDGETS.concurrency },
    workers: 1,
  });
  const worker = stack.workers[0];
  const sampler = sampleRss([stack.api, worker], 200);
  try {
    await sleep(2000);
    const idle = { api: mb(stack.api.rss()) ?? 0, worker: mb(worker.rss()) ?? 0 };
    const jobs: MemoryJob[] = [];
    let offset = 0;
    for (const n of sizes) {
      const domains = generated.domains.slice(offset, offset + n);
      offset += n;
      const from = sampler.now();
      const t0 = performance.now();
      const { id } = await gqlStart(stack.api.baseUrl, domains);
      const followed = await sseProgress(stack.api.baseUrl, id, 30 * 60_000);
      const wallSeconds = round2((followed.at - t0) / 1000);
      const settleSeconds = await waitIdle(stack.api, 60_000);
      await sleep(1000);
      const to = sampler.now();
      jobs.push({
        domains: n,
        wallSeconds,
        status: followed.last?.status ?? 'no event',
        apiPeak: mb(sampler.peakSince(stack.api.name, from, to)) ?? 0,
        workerPeak: mb(sampler.peakSince(worker.name, from, to)) ?? 0,
        apiAfter: mb(stack.api.rss()) ?? 0,
        workerAfter: mb(worker.rss()) ?? 0,
        settleSeconds,
      });
      const j = jobs[jobs.length - 1];
      ctx.log(`   ${n} domains in ${wallSeconds} s: peak RSS API ${j.apiPeak} MB, worker ${j.workerPeak} MB; after: API ${j.apiAfter} MB, worker ${j.workerAfter} MB (API busy ${settleSeconds} s after the end)`);
    }
    const [small, large] = [jobs[0], jobs[jobs.length - 1]];
    const series = sampler.stop();
    return {
      idle,
      jobs,
      growth: { api: round2(large.apiPeak / small.apiPeak), worker: round2(large.workerPeak / small.workerPeak) },
      samples: { api: series.find((s) => s.name === stack.api.name)!, worker: series.find((s) => s.name === worker.name)! },
    };
  } finally {
    sampler.stop();
    await stack.close();
  }
}
