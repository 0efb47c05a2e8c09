/**
 * Scenario 6 `million`: one very large job (default 1 000 000 domains, `--million-domains`)
 * streamed as a CSV body into POST /scan/bulk, against the simulator with rates lifted and zero
 * latency (clean cases). Phases:
 * 1. upload with no worker running: submit time, API RSS every 200 ms during the upload (peak,
 *    spread), Redis bytes per queued domain (MEMORY USAGE over the job's keys and its queued
 *    BullMQ units, so other users of the shared Redis do not count);
 * 2. `--million-workers` (default 0 = upload only; `--quick` 2) workers start: time to the first result, end-to-end time,
 *    domains/s per worker;
 * 3. fairness: while the big job runs, a 10-domain job; its time against the same job alone
 *    once the big one is done.
 */
import { Redis } from 'ioredis';
import { FINISHED, restStatus, restSubmit } from '../client.js';
import { mb, REDIS_URL, sampleRss } from '../processes.js';
import { buildCases, round2 } from '../sim-setup.js';
import { LIFTED_BUDGETS, startStack } from '../stack.js';
import { sleep, type BenchContext } from './common.js';

export interface MillionResult {
  domains: number;
  door: 'rest' | 'graphql';
  workers: number;
  submitSeconds: number;
  /** API RSS just before the upload (idle, MB). */
  apiRssIdleMb: number;
  apiRssPeakMb: number;
  apiRssMinMb: number;
  redisBytesPerQueuedDomain: number;
  firstResultSeconds: number;
  endToEndSeconds: number;
  domainsPerSecondPerWorker: number;
  status: string;
  /** Domains of the big job scanned with a lead / failed (0 / 0 when not scanned). */
  succeeded: number;
  failed: number;
  fairness: { aloneMs: number; besideBigJobMs: number; bigJobProcessedAtEnd: number };
}

/**
 * The CSV body, generated row by row (the bench never holds the whole body either), between an
 * optional head and tail (the multipart framing of the GraphQL door).
 */
function csvBody(domains: string[], frame: { head?: string; tail?: string } = {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let i = -1;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i === -1) {
        controller.enqueue(encoder.encode(`${frame.head ?? ''}company,website\n`));
        i = 0;
        return;
      }
      if (i >= domains.length) {
        if (frame.tail) controller.enqueue(encoder.encode(frame.tail));
        controller.close();
        return;
      }
      const rows: string[] = [];
      for (const end = Math.min(domains.length, i + 2000); i < end; i++) rows.push(`c${i},https://www.${domains[i]}/\n`);
      controller.enqueue(encoder.encode(rows.join('')));
    },
  });
}

/** Upload the list through the door asked for; the job's id and its total. */
async function upload(door: 'rest' | 'graphql', baseUrl: string, domains: string[]): Promise<{ jobId: string; total: number }> {
  if (door === 'rest') {
    const response = await fetch(`${baseUrl}/scan/bulk`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csvBody(domains), duplex: 'half' } as RequestInit);
    const started = (await response.json()) as { job_id: string; total: number; detail?: string };
    if (!response.ok) throw new Error(`upload: HTTP ${response.status}: ${started.detail}`);
    return { jobId: started.job_id, total: started.total };
  }
  // the GraphQL multipart request spec: operations, map, then the file part
  const boundary = `----bench${Date.now().toString(16)}`;
  const operations = JSON.stringify({ query: 'mutation($file: File!) { startBulkScanUpload(file: $file) { job { id } total } }', variables: { file: null } });
  const head =
    `--${boundary}\r\ncontent-disposition: form-data; name="operations"\r\n\r\n${operations}\r\n` +
    `--${boundary}\r\ncontent-disposition: form-data; name="map"\r\n\r\n{"0":["variables.file"]}\r\n` +
    `--${boundary}\r\ncontent-disposition: form-data; name="0"; filename="leads.csv"\r\ncontent-type: text/csv\r\n\r\n`;
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'x-graphql-yoga-csrf': '1' },
    body: csvBody(domains, { head, tail: `\r\n--${boundary}--\r\n` }),
    duplex: 'half',
  } as RequestInit);
  const body = (await response.json()) as { data?: { startBulkScanUpload?: { job: { id: string }; total: number } }; errors?: { message: string }[] };
  const started = body.data?.startBulkScanUpload;
  if (!response.ok || !started) throw new Error(`upload: HTTP ${response.status}: ${body.errors?.map((e) => e.message).join('; ')}`);
  return { jobId: started.job.id, total: started.total };
}

async function memoryOfJob(redis: Redis, prefix: string, jobId: string): Promise<number> {
  let bytes = 0;
  const patterns = [`${prefix}:job:{${jobId}}*`, `{${prefix}}:bull:domain-scan:${jobId}-*`];
  for (const pattern of patterns) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 2000);
      cursor = next;
      const pipeline = redis.pipeline();
      for (const key of keys) pipeline.memory('USAGE', key, 'SAMPLES', '0');
      for (const [, value] of (await pipeline.exec()) ?? []) bytes += Number(value ?? 0);
    } while (cursor !== '0');
  }
  // the unit ids in the prioritized sorted set (about 40 bytes per member)
  const units = await redis.zcard(`{${prefix}}:bull:domain-scan:prioritized`);
  const setBytes = Number((await redis.memory('USAGE', `{${prefix}}:bull:domain-scan:prioritized`, 'SAMPLES', '0')) ?? 0);
  return bytes + (units ? setBytes : 0);
}

/** "code/category xN, ..." over a status's error list, most frequent first. */
function tallyErrors(errors: readonly { code: string; category: string }[]): string {
  const counts = new Map<string, number>();
  for (const e of errors) counts.set(`${e.code}/${e.category}`, (counts.get(`${e.code}/${e.category}`) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} x${v}`).join(', ');
}

async function waitDone(baseUrl: string, id: string, timeoutMs: number, onTick?: (s: { processed: number }) => void) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await restStatus(baseUrl, id);
    onTick?.(s);
    if (FINISHED.has(s.status)) return s;
    if (Date.now() > deadline) throw new Error(`job ${id} not finished within ${timeoutMs} ms (${s.processed}/${s.total})`);
    await sleep(100);
  }
}

export async function runMillion(ctx: BenchContext): Promise<MillionResult> {
  const n = ctx.opts.millionDomains;
  const workers = ctx.opts.millionWorkers;
  // upload only: nothing is scanned, so the simulator needs no case per domain; a scan gets
  // lazy cases (cloned by the simulator when first asked: a million eager clones take GBs)
  const generated = buildCases(workers === 0 ? 20 : n + 20, 0, { lazy: workers > 0 });
  const big = workers === 0 ? Array.from({ length: n }, (_, i) => `lead-${i}-bench.com`) : generated.domains.slice(0, n);
  const smallBeside = generated.domains.slice(-20, -10);
  const smallAlone = generated.domains.slice(-10);
  const stack = await startStack({
    name: 'million',
    runId: ctx.runId,
    logRoot: ctx.logRoot,
    generated,
    seed: ctx.opts.seed,
    budgets: LIFTED_BUDGETS,
    workers: 0,
    // the query log of a million domains (~6 M entries) is not read here: counters only
    maxLogEntries: 0,
    // one client uploads the whole list: the hourly domain quota (1 000 000 by default) off
    env: { SCOUT_MAX_BULK_STREAM: String(n), SCOUT_QUOTA_DOMAINS_PER_HOUR: '0' },
  });
  const redis = new Redis(REDIS_URL);
  const sampler = sampleRss([stack.api], 200);
  try {
    await sleep(1000);
    // 1. the upload, no worker yet
    const from = sampler.now();
    const t0 = performance.now();
    const uploaded = await upload(ctx.opts.millionDoor, stack.api.baseUrl, big);
    const started = { job_id: uploaded.jobId, total: uploaded.total };
    const submitSeconds = round2((performance.now() - t0) / 1000);
    const to = sampler.now();
    const series = sampler.stop().find((s) => s.name === stack.api.name)!;
    const during = series.samples.filter((s) => s.t >= from && s.t <= to).map((s) => s.rss);
    const idle = series.samples.filter((s) => s.t < from).at(-1)?.rss ?? 0;
    const redisBytes = await memoryOfJob(redis, stack.prefix, started.job_id);
    const perDomain = round2(redisBytes / n);
    ctx.log(`   upload of ${n} domains (CSV through ${ctx.opts.millionDoor}): ${submitSeconds} s, API RSS idle ${mb(idle)} MB, during ${mb(Math.min(...during))}-${mb(Math.max(...during))} MB, Redis ${perDomain} bytes per queued domain`);

    if (workers === 0) {
      // upload only (`--million-workers 0`): nothing is scanned
      return { domains: n, door: ctx.opts.millionDoor, workers, submitSeconds, apiRssIdleMb: mb(idle) ?? 0, apiRssPeakMb: mb(Math.max(...during)) ?? 0, apiRssMinMb: mb(Math.min(...during)) ?? 0, redisBytesPerQueuedDomain: perDomain, firstResultSeconds: 0, endToEndSeconds: 0, domainsPerSecondPerWorker: 0, status: 'not run', succeeded: 0, failed: 0, fairness: { aloneMs: 0, besideBigJobMs: 0, bigJobProcessedAtEnd: 0 } };
    }
    // 2. workers start
    const w0 = performance.now();
    await stack.setWorkers(workers);
    let firstResult = 0;
    let fairness = { aloneMs: 0, besideBigJobMs: 0, bigJobProcessedAtEnd: 0 };
    let smallStarted: Promise<number> | undefined;
    const done = await waitDone(stack.api.baseUrl, started.job_id, 150 * 60_000, (s) => {
      if (!firstResult && s.processed > 0) firstResult = round2((performance.now() - w0) / 1000);
      // 3. a small job at ~20% of the big one
      if (!smallStarted && s.processed >= n / 5) {
        smallStarted = (async () => {
          const t = performance.now();
          const { job_id } = await restSubmit(stack.api.baseUrl, smallBeside);
          await waitDone(stack.api.baseUrl, job_id, 120_000);
          const ms = Math.round(performance.now() - t);
          fairness.bigJobProcessedAtEnd = (await restStatus(stack.api.baseUrl, started.job_id)).processed;
          return ms;
        })();
      }
    });
    const endToEndSeconds = round2((performance.now() - w0) / 1000);
    fairness.besideBigJobMs = (await smallStarted) ?? 0;
    const t = performance.now();
    const { job_id: aloneId } = await restSubmit(stack.api.baseUrl, smallAlone);
    await waitDone(stack.api.baseUrl, aloneId, 120_000);
    fairness = { ...fairness, aloneMs: Math.round(performance.now() - t) };
    const result: MillionResult = {
      domains: n,
      door: ctx.opts.millionDoor,
      workers,
      submitSeconds,
      apiRssIdleMb: mb(idle) ?? 0,
      apiRssPeakMb: mb(Math.max(...during)) ?? 0,
      apiRssMinMb: mb(Math.min(...during)) ?? 0,
      redisBytesPerQueuedDomain: perDomain,
      firstResultSeconds: firstResult,
      endToEndSeconds,
      domainsPerSecondPerWorker: round2(n / endToEndSeconds / workers),
      status: done.status,
      succeeded: done.succeeded,
      failed: done.failed,
      fairness,
    };
    if (done.failed > 0) ctx.log(`   failed domains by cause (of the first ${done.errors.length} listed): ${tallyErrors(done.errors)}; e.g. ${JSON.stringify(done.errors.slice(0, 5))}`);
    ctx.log(
      `   ${workers} workers: first result after ${firstResult} s, ${done.status} (${done.succeeded} succeeded, ${done.failed} failed) after ${endToEndSeconds} s (${result.domainsPerSecondPerWorker} domains/s per worker); 10-domain job beside it ${fairness.besideBigJobMs} ms (big job at ${fairness.bigJobProcessedAtEnd}/${n}), alone ${fairness.aloneMs} ms`,
    );
    return result;
  } finally {
    sampler.stop();
    redis.disconnect();
    await stack.close();
  }
}
