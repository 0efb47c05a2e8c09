/**
 * `npm run bench` (`-- --quick` for a run under 2 minutes; `-- --help` for the options).
 *
 * Starts the simulator (in this process), uses the real Redis at REDIS_URL (default
 * 127.0.0.1:6379), spawns the API (SCOUT_WORKER=off) and separate worker processes, drives
 * everything through the public API, prints a table with PASS/FAIL per target and writes
 * bench/results/bench-<date>.json and bench/results/latest.json.
 * Exit status 0 whatever the targets say (it is a report); 1 only if the bench itself crashed.
 */
import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, USAGE, type BenchOptions, type ScenarioName } from './args.js';
import { pickDatabaseUrl } from './database.js';
import { benchDatabaseLabel, useBenchDatabase } from './stack.js';
import { killAll, ROOT } from './processes.js';
import { buildReport, printReport, writeReport, type BenchResults } from './report.js';
import { runApiLoad } from './scenarios/api-load.js';
import { runBaseline } from './scenarios/baseline.js';
import type { BenchContext } from './scenarios/common.js';
import { runMemory } from './scenarios/memory.js';
import { runMillion } from './scenarios/million.js';
import { runScaleOut } from './scenarios/scale-out.js';
import { runUnthrottled } from './scenarios/unthrottled.js';

async function main(): Promise<number> {
  let opts: BenchOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  const started = new Date();
  const runId = started.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  const resultsDir = path.resolve(ROOT, opts.outDir);
  const logRoot = path.join(resultsDir, 'logs', runId);
  mkdirSync(logRoot, { recursive: true });
  const t0 = performance.now();
  const log = (message: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${message}`);
  const ctx: BenchContext = { opts, runId, logRoot, resultsDir, log };

  log(`domain-scout bench ${opts.quick ? '(quick) ' : ''}run ${runId}: scenarios ${opts.only.join(', ')}; process logs in ${path.relative(ROOT, logRoot)}`);
  useBenchDatabase(await pickDatabaseUrl(opts.database));
  console.log(`database of the service processes: ${benchDatabaseLabel()}`);
  const results: BenchResults = { runId, startedAt: started.toISOString(), quick: opts.quick, options: opts, scenarios: {}, errors: {} };
  const steps: [ScenarioName, string, () => Promise<unknown>][] = [
    ['baseline', `1. baseline: ${opts.baselineDomains} domains, 1 worker, default budgets (REST)`, async () => (results.scenarios.baseline = await runBaseline(ctx))],
    ['scaleout', `2. scale-out: ${opts.scaleDomains} domains with ${opts.scaleWorkers.join('/')} workers, budgets x${opts.scaleFactor} (GraphQL + SSE)`, async () => (results.scenarios.scaleout = await runScaleOut(ctx))],
    ['unthrottled', `3. unthrottled: ${opts.unthrottledDomains} domains, 1 worker, budgets lifted, zero latency${opts.profile ? ` (+ CPU profile over ${opts.profileDomains})` : ''}`, async () => (results.scenarios.unthrottled = await runUnthrottled(ctx))],
    ['memory', `4. memory: jobs of ${opts.memoryDomains.join(', ')} domains (unthrottled), RSS every 200 ms`, async () => (results.scenarios.memory = await runMemory(ctx))],
    ['api', `5. API under load: ${opts.pollers} pollers x ${opts.pollSeconds} s, ${opts.submitRuns} submissions of ${opts.submitDomains}, ${opts.subscribers} subscribers`, async () => (results.scenarios.api = await runApiLoad(ctx))],
    ['million', `6. million: ${opts.millionDomains} domains streamed as CSV through ${opts.millionDoor}, ${opts.millionWorkers} workers, budgets lifted, zero latency; + a 10-domain job beside it`, async () => (results.scenarios.million = await runMillion(ctx))],
  ];
  const runStep = async ([name, title, run]: (typeof steps)[number]) => {
    const s0 = performance.now();
    log(title);
    try {
      await run();
      log(`   ${name} done in ${((performance.now() - s0) / 1000).toFixed(1)} s`);
    } catch (error) {
      // one broken scenario must not lose the others: record it, carry on
      results.errors[name] = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`   ${name} FAILED: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const selected = steps.filter(([name]) => opts.only.includes(name));
  if (opts.quick && selected.length > 1 && selected[0][0] === 'baseline') {
    // --quick: the baseline is budget-bound (~60 s of waiting for its DNS budget, a few % of
    // one core), so it runs alongside the other scenarios, which run one after the other
    log('--quick: scenario 1 runs alongside the others (it mostly waits for its rate budget)');
    const baseline = runStep(selected[0]);
    for (const step of selected.slice(1)) await runStep(step);
    await baseline;
  } else {
    for (const step of selected) await runStep(step);
  }
  // the per-stack data dirs (embedded PGlite) are removed by each stack; this is their parent
  rmSync(path.join(os.tmpdir(), `domain-scout-bench-${runId}`), { recursive: true, force: true });
  results.durationSeconds = Math.round((performance.now() - t0) / 100) / 10;
  const report = buildReport(results);
  printReport(report, results);
  const files = writeReport(resultsDir, results, report);
  log(`results: ${files.map((f) => path.relative(ROOT, f)).join(', ')}`);
  return 0;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`${signal}: stopping the service processes`);
    killAll();
    process.exit(130);
  });
}
process.on('exit', () => killAll());

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('bench crashed:', error);
    killAll();
    process.exit(1);
  },
);
