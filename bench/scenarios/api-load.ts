/**
 * Scenario 5: the API under load.
 *  a. Time to accept a 10000-domain submission (POST /scan/bulk, and GraphQL startBulkScan),
 *     each timed from request to response, on an API with no worker (nothing else running).
 *  b. 50 concurrent pollers, each alternating GraphQL `bulkScan(id)` and REST
 *     `GET /scan/bulk/{id}`, for ~15 s while a throttled job is running (1 worker, default
 *     budgets, realistic latency): p50/p99 per endpoint.
 *  c. 200 concurrent subscribers (one graphql-ws connection each) to one small job: how many
 *     receive its final event.
 * Every request goes to 127.0.0.1 only, in bounded loops.
 */
import { FINISHED, gqlCancel, gqlStart, restStatus, restSubmit, wsClient, wsProgress } from '../client.js';
import { buildCases, REALISTIC_LATENCY, round2 } from '../sim-setup.js';
import { DEFAULT_BUDGETS, startStack, type Stack } from '../stack.js';
import { latencyStats, round1, simLimitsFor, sleep, type BenchContext } from './common.js';

export interface SubmitTiming {
  via: 'REST' | 'GraphQL';
  ms: number;
  accepted: number;
}

export interface ApiLoadResult {
  submit: { domains: number; runs: SubmitTiming[]; restMedianMs: number; graphqlMedianMs: number };
  polling: PollResult;
  saturated?: PollResult;
  subscribers: {
    subscribers: number;
    jobDomains: number;
    connectedBeforeEnd: number;
    receivedFinal: number;
    finalStatuses: Record<string, number>;
    errors: string[];
    secondsToAllFinal: number;
  };
}

export interface PollResult {
  pollers: number;
  intervalMs: number;
  seconds: number;
  jobDomains: number;
  jobProcessedDuring: [number, number];
  graphql: ReturnType<typeof latencyStats>;
  rest: ReturnType<typeof latencyStats>;
  /** The API's own time per request (its Server-Timing header), both endpoints. */
  server: ReturnType<typeof latencyStats>;
  errors: number;
  requestsPerSecond: number;
  /** Size of one REST status body at the end (it carries the job's error list). */
  restBodyBytes: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e)),
    );
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};

async function measureSubmissions(ctx: BenchContext, stack: Stack, domains: string[]): Promise<ApiLoadResult['submit']> {
  const runs: SubmitTiming[] = [];
  // one small warm-up request per door (first-request costs: schema, JIT)
  await restSubmit(stack.api.baseUrl, domains.slice(0, 2));
  await gqlStart(stack.api.baseUrl, domains.slice(0, 2));
  for (let i = 0; i < ctx.opts.submitRuns; i++) {
    for (const via of ['REST', 'GraphQL'] as const) {
      const t0 = performance.now();
      const accepted = via === 'REST' ? (await restSubmit(stack.api.baseUrl, domains)).total : (await gqlStart(stack.api.baseUrl, domains)).total;
      runs.push({ via, ms: round1(performance.now() - t0), accepted });
    }
  }
  const restMs = runs.filter((r) => r.via === 'REST').map((r) => r.ms);
  const gqlMs = runs.filter((r) => r.via === 'GraphQL').map((r) => r.ms);
  ctx.log(`   accept ${domains.length} domains: REST ${restMs.join(' / ')} ms, GraphQL ${gqlMs.join(' / ')} ms`);
  return { domains: domains.length, runs, restMedianMs: median(restMs), graphqlMedianMs: median(gqlMs) };
}

const BULK_SCAN_QUERY = `query($id: ID!) { bulkScan(id: $id) { status progress processed } }`;

/** The app's own time (ms) from `Server-Timing: app;dur=<ms>`. */
const serverTimingMs = (r: Response) => Number(/app;dur=([\d.]+)/.exec(r.headers.get('server-timing') ?? '')?.[1]);

/** One status poll through either door; throws on a non-200 or a null job. Returns the app's time. */
async function pollOnce(base: string, id: string, via: 'graphql' | 'rest'): Promise<number> {
  const r =
    via === 'graphql'
      ? await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: BULK_SCAN_QUERY, variables: { id } }) })
      : await fetch(`${base}/scan/bulk/${id}`);
  const body = (await r.json()) as { data?: { bulkScan: unknown }; status?: string };
  if (r.status !== 200 || (via === 'graphql' ? !body.data?.bulkScan : !body.status)) throw new Error(`poll ${via}: ${r.status}`);
  return serverTimingMs(r);
}

/** `pollers` concurrent loops alternating GraphQL bulkScan(id) and REST GET, for `seconds`. */
async function poll(ctx: BenchContext, base: string, id: string, jobDomains: number, intervalMs: number, seconds: number): Promise<PollResult> {
  const before = (await restStatus(base, id)).processed;
  const gqlLat: number[] = [];
  const restLat: number[] = [];
  const serverLat: number[] = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: ctx.opts.pollers }, async (_, p) => {
      // spread the pollers' phases over one interval
      if (intervalMs > 0) await sleep(Math.random() * intervalMs);
      // bounded: at most 100 000 requests per poller, and the deadline
      for (let i = p % 2; i < 100_000 && performance.now() < deadline; i++) {
        const s = performance.now();
        try {
          const via = i % 2 === 0 ? 'graphql' : 'rest';
          const serverMs = await pollOnce(base, id, via);
          (via === 'graphql' ? gqlLat : restLat).push(performance.now() - s);
          if (Number.isFinite(serverMs)) serverLat.push(serverMs);
        } catch {
          errors++;
        }
        if (intervalMs > 0) await sleep(intervalMs);
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const after = await restStatus(base, id);
  const result: PollResult = {
    pollers: ctx.opts.pollers,
    intervalMs,
    seconds: round2(elapsed),
    jobDomains,
    jobProcessedDuring: [before, after.processed],
    graphql: latencyStats(gqlLat),
    rest: latencyStats(restLat),
    server: latencyStats(serverLat),
    errors,
    requestsPerSecond: round1((gqlLat.length + restLat.length) / elapsed),
    restBodyBytes: Buffer.byteLength(JSON.stringify(after)),
  };
  ctx.log(
    `   ${result.pollers} pollers${intervalMs ? `, ${intervalMs} ms apart` : ', closed loop'}, ${result.requestsPerSecond} req/s: bulkScan p50 ${result.graphql.p50} p99 ${result.graphql.p99} ms; GET /scan/bulk/{id} p50 ${result.rest.p50} p99 ${result.rest.p99} ms; in the API itself (Server-Timing) p50 ${result.server.p50} p99 ${result.server.p99} ms; ${errors} errors`,
  );
  return result;
}

export async function runApiLoad(ctx: BenchContext): Promise<ApiLoadResult> {
  const pollN = ctx.opts.pollJobDomains;
  const subN = ctx.opts.quick ? 10 : 30;
  const submitCases = buildCases(ctx.opts.submitDomains, ctx.opts.faultShare);
  const generated = buildCases(pollN + subN, ctx.opts.faultShare);
  // both stacks start together (start-up is the slow part); the submissions go to an API with
  // no worker, so their 10000-unit jobs just sit in the queue (the prefix is deleted afterwards)
  const started = await Promise.allSettled([
    startStack({ name: 'api-submit', runId: ctx.runId, logRoot: ctx.logRoot, generated: submitCases, seed: ctx.opts.seed, budgets: DEFAULT_BUDGETS, workers: 0 }),
    startStack({
      name: 'api-load',
      runId: ctx.runId,
      logRoot: ctx.logRoot,
      generated,
      latency: REALISTIC_LATENCY,
      rateLimit: simLimitsFor(DEFAULT_BUDGETS, 1),
      seed: ctx.opts.seed,
      budgets: DEFAULT_BUDGETS,
      workers: 1,
    }),
  ]);
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)));
    throw failed.reason;
  }
  const [submitStack, stack] = started.map((s) => (s as PromiseFulfilledResult<Stack>).value);
  let submit: ApiLoadResult['submit'];
  try {
    submit = await measureSubmissions(ctx, submitStack, submitCases.domains);
  } catch (error) {
    await stack.close();
    throw error;
  } finally {
    await submitStack.close();
  }
  try {
    const base = stack.api.baseUrl;
    // b. pollers during a running job
    const { job_id: id } = await restSubmit(base, generated.domains.slice(0, pollN));
    for (let i = 0; i < 100; i++) {
      if ((await restStatus(base, id)).processed > 0) break;
      await sleep(100);
    }
    const polling = await poll(ctx, base, id, pollN, ctx.opts.pollIntervalMs, ctx.opts.pollSeconds);
    // full runs: the same pollers in a closed loop, for the API's capacity (req/s) and latency at saturation
    const saturated = !ctx.opts.quick && ctx.opts.pollIntervalMs > 0 ? await poll(ctx, base, id, pollN, 0, Math.min(8, ctx.opts.pollSeconds)) : undefined;
    await gqlCancel(base, id);

    // c. subscribers to one small job (the worker first drains the cancelled units: cheap)
    const { id: subId } = await gqlStart(base, generated.domains.slice(pollN));
    const nSubs = ctx.opts.subscribers;
    const clients = Array.from({ length: nSubs }, () => wsClient(base));
    let connectedBeforeEnd = 0;
    const subErrors: string[] = [];
    const finalStatuses: Record<string, number> = {};
    const s0 = performance.now();
    const outcomes = await Promise.all(
      clients.map((c) =>
        withTimeout(
          wsProgress(c, subId, (first) => {
            if (!FINISHED.has(first.status)) connectedBeforeEnd++;
          }),
          10 * 60_000,
          'no final event within 10 min',
        ).then(
          (r) => r,
          (e: unknown) => {
            subErrors.push(e instanceof Error ? e.message : String(e));
            return undefined;
          },
        ),
      ),
    );
    const secondsToAllFinal = round2((performance.now() - s0) / 1000);
    let receivedFinal = 0;
    for (const o of outcomes) {
      const status = o?.last?.status ?? 'none';
      finalStatuses[status] = (finalStatuses[status] ?? 0) + 1;
      if (o?.last && FINISHED.has(o.last.status)) receivedFinal++;
    }
    await Promise.all(clients.map((c) => c.dispose()));
    ctx.log(`   ${nSubs} graphql-ws subscribers: ${receivedFinal} got the final event (${connectedBeforeEnd} subscribed while running), ${subErrors.length} errors`);
    return {
      submit,
      polling,
      saturated,
      subscribers: {
        subscribers: nSubs,
        jobDomains: subN,
        connectedBeforeEnd,
        receivedFinal,
        finalStatuses,
        errors: [...new Set(subErrors)].slice(0, 5),
        secondsToAllFinal,
      },
    };
  } finally {
    await stack.close();
  }
}
