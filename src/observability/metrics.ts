/**
 * Prometheus metrics (prom-client): one registry per process, scraped at `/metrics` on the API
 * and on a worker's own small HTTP server (SCOUT_METRICS_PORT). The counters are module-level:
 * the scan core, the worker and the HTTP layer record into them without threading a handle.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'scout_process_' });

const seconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const metrics = {
  domainsFinished: new Counter({
    name: 'scout_domains_finished_total',
    help: 'Domains of bulk jobs counted as finished, by outcome (succeeded, failed)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  }),
  scanErrors: new Counter({
    name: 'scout_scan_errors_total',
    help: 'Scan failures recorded for a domain (permanent, retries used up, or WHOIS lost), by error code',
    labelNames: ['code', 'category'] as const,
    registers: [registry],
  }),
  rateLimitWaits: new Counter({
    name: 'scout_rate_limit_waits_total',
    help: 'Queries that waited for the rate gate (a token or a pause) before going out, by upstream',
    labelNames: ['upstream'] as const,
    registers: [registry],
  }),
  rateLimitWaitSeconds: new Counter({
    name: 'scout_rate_limit_wait_seconds_total',
    help: 'Time queries spent waiting for the rate gate, by upstream',
    labelNames: ['upstream'] as const,
    registers: [registry],
  }),
  rateLimitPauses: new Counter({
    name: 'scout_rate_limit_pauses_total',
    help: 'Rate-limit signals from an upstream (DNS REFUSED, WHOIS throttle, RDAP 429) that paused it',
    labelNames: ['upstream'] as const,
    registers: [registry],
  }),
  upstreamLatency: new Histogram({
    name: 'scout_upstream_request_duration_seconds',
    help: 'Latency of one DNS query, WHOIS exchange or RDAP request, by protocol and outcome',
    labelNames: ['protocol', 'outcome'] as const,
    buckets: seconds,
    registers: [registry],
  }),
  jobEvents: new Counter({
    name: 'scout_bulk_jobs_total',
    help: 'Bulk-job lifecycle events seen by this process (created, started, completed, failed, cancelled, timed_out)',
    labelNames: ['event'] as const,
    registers: [registry],
  }),
  jobDuration: new Histogram({
    name: 'scout_bulk_job_duration_seconds',
    help: 'Bulk-job duration from creation to its end, by final status',
    labelNames: ['status'] as const,
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200],
    registers: [registry],
  }),
  httpLatency: new Histogram({
    name: 'scout_http_request_duration_seconds',
    help: 'HTTP request latency until the response headers, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: seconds,
    registers: [registry],
  }),
};

/** Anything with BullMQ's `getJobCounts` (a Queue). */
export interface CountableQueue {
  name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

const watchedQueues = new Set<CountableQueue>();
new Gauge({
  name: 'scout_queue_jobs',
  help: 'BullMQ units by queue and state (waiting, active, delayed), read at scrape time',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
  // read at scrape time; a Redis that does not answer within 500 ms leaves the gauge empty
  async collect() {
    this.reset();
    await Promise.all(
      [...watchedQueues].map(async (queue) => {
        const counts = await withTimeout(queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized'), 500).catch(() => null);
        if (!counts) return;
        this.set({ queue: queue.name, state: 'waiting' }, (counts.waiting ?? 0) + (counts.prioritized ?? 0));
        this.set({ queue: queue.name, state: 'active' }, counts.active ?? 0);
        this.set({ queue: queue.name, state: 'delayed' }, counts.delayed ?? 0);
      }),
    );
  },
});

/** Report these queues' depth at every scrape; returns the undo. */
export function watchQueueDepth(...queues: CountableQueue[]): () => void {
  for (const queue of queues) watchedQueues.add(queue);
  return () => {
    for (const queue of queues) watchedQueues.delete(queue);
  };
}

type UpstreamProtocol = 'dns' | 'whois' | 'rdap';
// the label sets of the latency histogram, made once: one is observed per upstream query
const upstreamLabels = Object.fromEntries(
  (['dns', 'whois', 'rdap'] as const).map((protocol) => [protocol, { ok: { protocol, outcome: 'ok' }, error: { protocol, outcome: 'error' } }]),
) as Record<UpstreamProtocol, Record<'ok' | 'error', { protocol: UpstreamProtocol; outcome: 'ok' | 'error' }>>;

/** Time an upstream call into the latency histogram (outcome ok / error). */
export async function timeUpstream<T>(protocol: UpstreamProtocol, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    const value = await run();
    metrics.upstreamLatency.observe(upstreamLabels[protocol].ok, (performance.now() - started) / 1000);
    return value;
  } catch (error) {
    metrics.upstreamLatency.observe(upstreamLabels[protocol].error, (performance.now() - started) / 1000);
    throw error;
  }
}

/** The text exposition and its content type, for a `/metrics` handler. */
export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
  return { body: await registry.metrics(), contentType: registry.contentType };
}

/** What {@link withTimeout} rejects with when the time is up. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message = `no answer within ${ms} ms`): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
