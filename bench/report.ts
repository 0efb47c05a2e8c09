/**
 * The bench's output: one table of targets (PASS/FAIL), detail tables that explain the numbers,
 * and the JSON files (bench/results/bench-<date>.json + latest.json).
 */
import { benchDatabaseLabel } from './stack.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchOptions } from './args.js';
import type { ApiLoadResult } from './scenarios/api-load.js';
import type { MillionResult } from './scenarios/million.js';
import type { BaselineResult } from './scenarios/baseline.js';
import type { MemoryResult } from './scenarios/memory.js';
import type { ScaleOutResult } from './scenarios/scale-out.js';
import type { UnthrottledResult } from './scenarios/unthrottled.js';
import { FLOOR_FORMULA } from './sim-setup.js';
import { SIM_UDP_RECV_BUFFER_BYTES, udpReceiveBufferCap } from '../src/sim/dns-server.js';

export interface BenchResults {
  runId: string;
  startedAt: string;
  quick: boolean;
  options: BenchOptions;
  durationSeconds?: number;
  scenarios: {
    baseline?: BaselineResult;
    scaleout?: ScaleOutResult;
    unthrottled?: UnthrottledResult;
    memory?: MemoryResult;
    api?: ApiLoadResult;
    million?: MillionResult;
  };
  /** scenario -> error (a scenario that crashed; the others still ran). */
  errors: Record<string, string>;
}

export type Verdict = 'PASS' | 'FAIL' | 'info' | 'n/a';

export interface ReportRow {
  scenario: string;
  metric: string;
  value: string;
  target: string;
  verdict: Verdict;
}

export interface Report {
  rows: ReportRow[];
  details: string[];
  machine: { cpus: number; model: string; memoryGb: number; node: string; load: number[] };
}

const v = (ok: boolean): Verdict => (ok ? 'PASS' : 'FAIL');
const fmt = (x: number | undefined | null, digits = 2) => (x === undefined || x === null || Number.isNaN(x) ? '-' : String(Math.round(x * 10 ** digits) / 10 ** digits));

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i])).join(' | ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

export function buildReport(results: BenchResults): Report {
  const rows: ReportRow[] = [];
  const details: string[] = [];
  const add = (scenario: string, metric: string, value: string, target: string, verdict: Verdict) => rows.push({ scenario, metric, value, target, verdict });
  const { baseline: b, scaleout: s, unthrottled: u, memory: m, api: a, million: mi } = results.scenarios;

  // 6. one very large streamed job
  if (mi) {
    const sc = `6 million ${mi.domains}d`;
    add(sc, `submit time (CSV upload through ${mi.door ?? 'rest'}, no worker)`, `${fmt(mi.submitSeconds, 1)} s`, '', 'info');
    add(sc, 'API RSS idle before / during the upload (min-peak)', `${mi.apiRssIdleMb} / ${mi.apiRssMinMb}-${mi.apiRssPeakMb} MB`, '< 150 MB', v(mi.apiRssPeakMb < 150));
    add(sc, 'Redis bytes per queued domain', fmt(mi.redisBytesPerQueuedDomain, 1), '<= 150', v(mi.redisBytesPerQueuedDomain <= 150));
    if (mi.workers > 0) add(sc, `time to first result (${mi.workers} workers start)`, `${fmt(mi.firstResultSeconds, 2)} s`, '', 'info');
    if (mi.workers > 0) add(sc, `end-to-end with ${mi.workers} workers`, `${fmt(mi.endToEndSeconds, 1)} s (${mi.status}: ${mi.succeeded} succeeded, ${mi.failed} failed)`, '', 'info');
    if (mi.workers > 0) add(sc, 'domains/s per worker', fmt(mi.domainsPerSecondPerWorker, 1), '', 'info');
    if (mi.workers > 0) add(sc, '10-domain job beside it / alone', `${mi.fairness.besideBigJobMs} / ${mi.fairness.aloneMs} ms`, '', 'info');
  }

  // 1. baseline
  if (b) {
    const sc = `1 baseline ${b.domains}d`;
    add(sc, 'wall time (submit -> completed seen)', `${fmt(b.wallSeconds, 1)} s`, '< 300 s', v(b.wallSeconds < 300));
    add(sc, `floor (${b.floor.bound}-bound)`, `${fmt(b.floor.seconds, 1)} s`, '', 'info');
    add(sc, 'ratio wall/floor', fmt(b.ratio), '<= 1.10', v(b.ratio <= 1.1));
    add(sc, 'DNS budget use while DNS work remained', `${fmt(b.timeline.dnsUtilisation * 100, 0)}%`, '', 'info');
    add(sc, 'tail after the last DNS query', `${fmt(b.timeline.tailSeconds, 1)} s`, '', 'info');
    add(sc, 'queries/domain (all) DNS / WHOIS / RDAP', `${fmt(b.queries.perDomainMean.dns)} / ${fmt(b.queries.perDomainMean.whois)} / ${fmt(b.queries.perDomainMean.rdap)}`, '', 'info');
    add(sc, `M365+Google (${b.queries.economy.domains} clean): max DNS`, String(b.queries.economy.dnsMax), '<= 5', v(b.queries.economy.dnsMax <= 5));
    add(sc, 'M365+Google: max WHOIS+RDAP', String(b.queries.economy.registryMax), '<= 1', v(b.queries.economy.registryMax <= 1));
    const rl = b.queries.totals.rateLimited;
    add(sc, 'simulator rate-limit replies (dns/whois/rdap)', `${rl.dns}/${rl.whois}/${rl.rdap}`, '0 (budgets kept)', v(rl.dns + rl.whois + rl.rdap === 0));
    add(sc, 'job outcome', `${b.job.status}: ${b.job.succeeded} ok, ${b.job.failed} failed`, '', 'info');

    details.push(
      `Scenario 1 - queries per domain by corpus kind (clean domains; faulty ones grouped by fault), ${b.domains} domains, ${b.faultyDomains} faulty:\n` +
        table(
          ['kind', 'domains', 'DNS mean', 'DNS max', 'WHOIS mean', 'RDAP mean', 'WHOIS+RDAP max'],
          b.queries.byKind.map((k) => [k.group, String(k.domains), fmt(k.dnsMean), String(k.dnsMax), fmt(k.whoisMean), fmt(k.rdapMean), String(k.registryMax)]),
        ) +
        '\n\nby expected provider:\n' +
        table(
          ['provider', 'domains', 'DNS mean', 'DNS max', 'WHOIS mean', 'RDAP mean', 'WHOIS+RDAP max'],
          b.queries.byProvider.map((k) => [k.group, String(k.domains), fmt(k.dnsMean), String(k.dnsMax), fmt(k.whoisMean), fmt(k.rdapMean), String(k.registryMax)]),
        ) +
        `\n\ntotals: DNS ${b.queries.totals.dnsUdp} (+${b.queries.totals.dnsTcp} TCP retries) ${JSON.stringify(b.queries.totals.dnsByType)}, WHOIS ${b.queries.totals.whois}, RDAP ${b.queries.totals.rdap}; ` +
        `floor parts: DNS ${b.floor.dnsSeconds} s, WHOIS ${b.floor.whoisSeconds} s, RDAP ${b.floor.rdapSeconds} s\n` +
        `timeline: first DNS query at ${b.timeline.firstDnsAt} s, last at ${b.timeline.lastDnsAt} s, job seen completed at ${b.wallSeconds} s (server: ${b.serverWallSeconds} s)\n` +
        `tail domains (queried after the last DNS query): ${b.timeline.tailDomains.map((d) => `${d.domain} [${d.fault ?? 'clean'}] ${d.registryQueries} WHOIS/RDAP queries, last at ${d.lastQueryAt} s`).join('; ') || 'none'}\n` +
        `errors: ${JSON.stringify(b.job.errorCodes)}; CPU seconds: ${JSON.stringify(b.cpuSeconds)}`,
    );
  }

  // 2. scale-out
  if (s) {
    const sc = `2 scale-out ${s.domains}d`;
    for (const r of s.runs) {
      add(sc, `${r.workers} worker(s): wall (floor)`, `${fmt(r.wallSeconds, 1)} s (${fmt(r.floor.seconds, 1)} s)`, '', r.status === 'completed' ? 'info' : 'FAIL');
    }
    for (const [workers, target] of [
      ['2', 1.9],
      ['4', 3.6],
    ] as const) {
      if (s.speedup[workers] === undefined) continue;
      add(sc, `speedup ${workers} workers (wall)`, `${fmt(s.speedup[workers])}x`, `>= ${target}x`, v(s.speedup[workers] >= target));
      if (s.speedupT90[workers] !== undefined) add(sc, `speedup ${workers} workers (time to 90%)`, `${fmt(s.speedupT90[workers])}x`, '', 'info');
    }
    details.push(
      `Scenario 2 - scale-out, ${s.domains} domains (${fmt(s.faultShare * 100, 1)}% faulty), per-worker budgets x${s.scaleFactor} (DNS ${s.budgetsPerWorker.dnsRate}/s, WHOIS ${s.budgetsPerWorker.whoisRate}/s, concurrency ${s.budgetsPerWorker.concurrency}):\n` +
        table(
          ['workers', 'wall s', 't90 s', 'floor s', 'ratio', 'speedup', 'ideal', 'tail s', 'DNS use', 'DNS/WHOIS/RDAP q', 'rate-limited', 'CPU s (per process)'],
          s.runs.map((r) => [
            String(r.workers),
            fmt(r.wallSeconds, 1),
            fmt(r.t90Seconds, 1),
            fmt(r.floor.seconds, 1),
            fmt(r.ratio),
            `${fmt(s.speedup[r.workers])}x`,
            `${fmt(s.idealSpeedup[r.workers])}x`,
            fmt(r.timeline.tailSeconds, 1),
            `${fmt(r.timeline.dnsUtilisation * 100, 0)}%`,
            `${r.queries.dns}/${r.queries.whois}/${r.queries.rdap}`,
            `${r.queries.rateLimited.dns}/${r.queries.rateLimited.whois}/${r.queries.rateLimited.rdap}`,
            Object.entries(r.cpuSeconds)
              .map(([k, x]) => `${k.replace(/^scaleout-/, '')}=${x}`)
              .join(' '),
          ]),
        ) +
        '\n(ideal = floor(1)/floor(N); t90 = time until 90% of the domains were processed; tail = job end - last DNS query)\n' +
        s.runs.map((r) => `tail of ${r.workers}w: ${r.timeline.tailDomains.map((d) => `${d.domain} [${d.fault ?? 'clean'}]`).join(', ') || 'none'}`).join('\n'),
    );
  }

  // 3. unthrottled
  if (u) {
    const sc = '3 unthrottled';
    for (const r of u.runs) {
      add(sc, `${r.workers} worker(s), ${r.domains}d: domains/s per worker`, fmt(r.domainsPerSecondPerWorker, 1), '', r.status === 'completed' ? 'info' : 'FAIL');
      add(sc, `${r.workers} worker(s): CPU ms/domain (workers / API / bench+sim)`, `${fmt(r.cpuMsPerDomain.workers)} / ${fmt(r.cpuMsPerDomain.api)} / ${fmt(r.cpuMsPerDomain['bench+simulator'])}`, '', 'info');
    }
    if (u.withFaults) add(sc, `with ${u.withFaults.faultShare * 100}% faulty domains, ${u.withFaults.domains}d: domains/s`, fmt(u.withFaults.domainsPerSecond, 1), '', 'info');
    if (u.profile) {
      const prof = (name: string, p: NonNullable<typeof u.profile>['worker']) =>
        p
          ? `${name}: ${p.busyMs} ms busy of ${p.totalMs} ms sampled\n` +
            table(
              ['#', 'function', 'where', 'self ms', '%'],
              p.topFunctions.map((f, i) => [String(i + 1), f.name, f.where, fmt(f.selfMs, 1), fmt(f.percent, 1)]),
            ) +
            '\nby area: ' +
            p.topAreas.map((a) => `${a.name} ${fmt(a.percent, 1)}%`).join(', ')
          : `${name}: no profile`;
      details.push(`Scenario 3 - CPU profile (${u.profile.note}):\n${prof('worker', u.profile.worker)}\n\n${prof('API', u.profile.api)}`);
    }
  }

  // 4. memory
  if (m) {
    const large = m.jobs[m.jobs.length - 1];
    const small = m.jobs[0];
    const sc = `4 memory ${large.domains}d`;
    add(sc, 'API peak RSS during the job', `${fmt(large.apiPeak, 1)} MB`, '< 150 MB', v(large.apiPeak < 150));
    add(sc, 'worker peak RSS during the job', `${fmt(large.workerPeak, 1)} MB`, '< 150 MB', v(large.workerPeak < 150));
    add(sc, 'RSS after the job (API / worker)', `${fmt(large.apiAfter, 1)} / ${fmt(large.workerAfter, 1)} MB`, '< 150 MB', v(large.apiAfter < 150 && large.workerAfter < 150));
    if (m.jobs.length > 1) {
      // "not growing with job size": the big job's peak within 15% of the small job's
      add(sc, `peak growth ${small.domains}d -> ${large.domains}d (API)`, `${fmt(m.growth.api)}x (${fmt(small.apiPeak, 1)} -> ${fmt(large.apiPeak, 1)} MB)`, '<= 1.15x', v(m.growth.api <= 1.15));
      add(sc, `peak growth ${small.domains}d -> ${large.domains}d (worker)`, `${fmt(m.growth.worker)}x (${fmt(small.workerPeak, 1)} -> ${fmt(large.workerPeak, 1)} MB)`, '<= 1.15x', v(m.growth.worker <= 1.15));
    }
    details.push(
      `Scenario 4 - memory (RSS, MB; idle before: API ${m.idle.api}, worker ${m.idle.worker}; unthrottled, clean cases):\n` +
        table(
          ['job', 'wall s', 'API peak', 'worker peak', 'API after', 'worker after', 'API busy after end s'],
          m.jobs.map((j) => [`${j.domains}d ${j.status}`, fmt(j.wallSeconds, 1), fmt(j.apiPeak, 1), fmt(j.workerPeak, 1), fmt(j.apiAfter, 1), fmt(j.workerAfter, 1), fmt(j.settleSeconds, 1)]),
        ),
    );
  }

  // 5. API under load
  if (a) {
    const sc = '5 API';
    const restRuns = a.submit.runs.filter((r) => r.via === 'REST');
    add(sc, `accept ${a.submit.domains} domains, POST /scan/bulk (each run)`, `${restRuns.map((r) => fmt(r.ms, 0)).join(' / ')} ms`, '< 1000 ms', v(restRuns.every((r) => r.ms < 1000)));
    add(sc, `accept ${a.submit.domains} domains, GraphQL startBulkScan (median)`, `${fmt(a.submit.graphqlMedianMs, 0)} ms`, '< 1000 ms', v(a.submit.graphqlMedianMs < 1000));
    const every = a.polling.intervalMs ? `, each every ${a.polling.intervalMs} ms` : ', closed loop';
    add(sc, `bulkScan(id) p50 / p99, ${a.polling.pollers} pollers${every}`, `${fmt(a.polling.graphql.p50, 1)} / ${fmt(a.polling.graphql.p99, 1)} ms`, 'p99 < 25 ms', v(a.polling.graphql.p99 < 25));
    add(sc, `GET /scan/bulk/{id} p50 / p99, ${a.polling.pollers} pollers${every}`, `${fmt(a.polling.rest.p50, 1)} / ${fmt(a.polling.rest.p99, 1)} ms`, 'p99 < 25 ms', v(a.polling.rest.p99 < 25));
    add(sc, 'status polls, time in the API itself (Server-Timing) p50 / p99', `${fmt(a.polling.server.p50, 1)} / ${fmt(a.polling.server.p99, 1)} ms`, '', 'info');
    add(sc, 'poll errors', String(a.polling.errors), '0', v(a.polling.errors === 0));
    if (a.saturated) {
      add(sc, `closed loop (capacity): req/s, p99 bulkScan / GET`, `${fmt(a.saturated.requestsPerSecond, 0)} req/s, ${fmt(a.saturated.graphql.p99, 1)} / ${fmt(a.saturated.rest.p99, 1)} ms`, '', 'info');
    }
    add(sc, `subscribers receiving the final event`, `${a.subscribers.receivedFinal}/${a.subscribers.subscribers}`, `all ${a.subscribers.subscribers}`, v(a.subscribers.receivedFinal === a.subscribers.subscribers));
    details.push(
      `Scenario 5 - API under load:\n` +
        `submissions of ${a.submit.domains}: ${a.submit.runs.map((r) => `${r.via} ${r.ms} ms (${r.accepted} accepted)`).join(', ')}\n` +
        [a.polling, a.saturated]
          .filter((p): p is NonNullable<typeof p> => p !== undefined)
          .map(
            (p) =>
              `polling ${p.seconds} s, ${p.pollers} pollers ${p.intervalMs ? `pausing ${p.intervalMs} ms between requests` : 'in a closed loop'}, ${p.requestsPerSecond} req/s, job of ${p.jobDomains} went ${p.jobProcessedDuring[0]} -> ${p.jobProcessedDuring[1]} processed; REST status body ${p.restBodyBytes} bytes\n` +
              table(
                ['endpoint', 'requests', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'mean ms'],
                [
                  ['GraphQL bulkScan(id)', String(p.graphql.count), fmt(p.graphql.p50, 1), fmt(p.graphql.p90, 1), fmt(p.graphql.p99, 1), fmt(p.graphql.max, 1), fmt(p.graphql.mean, 1)],
                  ['GET /scan/bulk/{id}', String(p.rest.count), fmt(p.rest.p50, 1), fmt(p.rest.p90, 1), fmt(p.rest.p99, 1), fmt(p.rest.max, 1), fmt(p.rest.mean, 1)],
                  ['both, in the API (Server-Timing)', String(p.server.count), fmt(p.server.p50, 1), fmt(p.server.p90, 1), fmt(p.server.p99, 1), fmt(p.server.max, 1), fmt(p.server.mean, 1)],
                ],
              ),
          )
          .join('\n') +
        `\nsubscribers: ${a.subscribers.subscribers} graphql-ws connections to a ${a.subscribers.jobDomains}-domain job; ${a.subscribers.connectedBeforeEnd} saw it running first; final statuses ${JSON.stringify(a.subscribers.finalStatuses)}; all done after ${a.subscribers.secondsToAllFinal} s` +
        (a.subscribers.errors.length ? `; errors: ${a.subscribers.errors.join(' | ')}` : ''),
    );
  }

  for (const [name, error] of Object.entries(results.errors)) add(name, 'scenario crashed', error.split('\n')[0].slice(0, 120), 'runs', 'FAIL');

  const load = os.loadavg().map((x) => Math.round(x * 100) / 100);
  return { rows, details, machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '?', memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, load } };
}

export function printReport(report: Report, results: BenchResults): void {
  const out: string[] = [];
  out.push('');
  out.push(`domain-scout bench ${results.runId}${results.quick ? ' (--quick)' : ''}: ${results.durationSeconds ?? '?'} s on ${report.machine.cpus} CPU(s) ${report.machine.model}, node ${report.machine.node}, load ${report.machine.load.join(' ')}`);
  out.push('Numbers are provisional when other work shares the machine (see the load average).');
  const rmemMax = udpReceiveBufferCap();
  if (rmemMax !== undefined && rmemMax < SIM_UDP_RECV_BUFFER_BYTES) {
    out.push(`Warning: net.core.rmem_max is ${rmemMax} bytes: the simulator's DNS socket is capped below the ${SIM_UDP_RECV_BUFFER_BYTES} it asks for, and bursts may lose queries (dns_timeout); sudo sysctl -w net.core.rmem_max=${SIM_UDP_RECV_BUFFER_BYTES}`);
  }
  out.push(
    `Service processes: node dist/… (compiled by npm run build, as npm start / npm run worker run them), default timeouts, LOG_LEVEL=info; database: ${benchDatabaseLabel()}.` +
      (results.quick ? ' --quick: scenario 1 ran alongside the others; scale-out on clean cases.' : ''),
  );
  out.push('');
  out.push(table(['scenario', 'metric', 'value', 'target', 'result'], report.rows.map((r) => [r.scenario, r.metric, r.value, r.target, r.verdict])));
  out.push('');
  out.push(`The floor: ${FLOOR_FORMULA}. Ratio = wall / floor.`);
  for (const d of report.details) {
    out.push('');
    out.push(d);
  }
  const failed = report.rows.filter((r) => r.verdict === 'FAIL').length;
  const passed = report.rows.filter((r) => r.verdict === 'PASS').length;
  out.push('');
  out.push(`targets: ${passed} PASS, ${failed} FAIL`);
  console.log(out.join('\n'));
}

export function writeReport(resultsDir: string, results: BenchResults, report: Report): string[] {
  mkdirSync(resultsDir, { recursive: true });
  const stamp = results.runId;
  const body = JSON.stringify({ ...results, report }, null, 2);
  const file = path.join(resultsDir, `bench-${stamp}.json`);
  const latest = path.join(resultsDir, 'latest.json');
  writeFileSync(file, body);
  writeFileSync(latest, body);
  return [file, latest];
}
