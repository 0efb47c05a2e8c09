/**
 * Live progress over Redis pub/sub (graphql-redis-subscriptions), so any API process can serve
 * any subscriber. Workers publish snapshots (state changes at once, other progress coalesced)
 * and each lead as it finishes; subscribers get the current snapshot first (pub/sub has no
 * replay), then live events, a heartbeat snapshot at least every 5 s, and the end.
 */
import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { Redis } from 'ioredis';
import type { Lead } from '../scan/scan.types.js';
import type { JobStore } from './job.store.js';
import { FINISHED_STATUSES, type JobSnapshot } from './job.types.js';

export const progressChannel = (prefix: string, id: string) => `${prefix}:progress:${id}`;
export const resultsChannel = (prefix: string, id: string) => `${prefix}:results:${id}`;

export interface ProgressBus {
  publishSnapshot(snapshot: JobSnapshot): Promise<void>;
  /**
   * Leads of one job, each already serialised (JSON), as one message: a JSON array. Subscribers
   * of the results channel accept an array or a single lead (what workers before batching sent).
   */
  publishLeads(jobId: string, leadsJson: readonly string[]): Promise<void>;
  /** Subscribe to a channel; resolves once Redis confirmed the subscription. */
  subscribe<T>(channel: string, onMessage: (message: T) => void): Promise<() => void>;
}

/** Over the caller's connections (it quits them). */
export function createProgressBus(publisher: Redis, subscriber: Redis, prefix: string): ProgressBus {
  const pubsub = new RedisPubSub({ publisher, subscriber });
  return {
    publishSnapshot: (snapshot) => pubsub.publish(progressChannel(prefix, snapshot.id), snapshot),
    // pre-serialised: straight to Redis (RedisPubSub would serialise the string again)
    publishLeads: async (jobId, leadsJson) => {
      await publisher.publish(resultsChannel(prefix, jobId), `[${leadsJson.join(',')}]`);
    },
    async subscribe(channel, onMessage) {
      const id = await pubsub.subscribe(channel, onMessage);
      return () => pubsub.unsubscribe(id);
    },
  };
}

/**
 * Coalesce progress publications per job: a status change goes out at once, other snapshots at
 * most every `intervalMs` (the last one always goes out).
 */
export function createProgressPublisher(bus: ProgressBus, intervalMs = 250) {
  const pending = new Map<string, { snapshot: JobSnapshot; timer: NodeJS.Timeout }>();
  const lastSent = new Map<string, { at: number; status: string }>();

  const send = (snapshot: JobSnapshot) => {
    lastSent.set(snapshot.id, { at: Date.now(), status: snapshot.status });
    if (FINISHED_STATUSES.has(snapshot.status)) lastSent.delete(snapshot.id);
    return bus.publishSnapshot(snapshot).catch(() => {});
  };

  return {
    publish(snapshot: JobSnapshot): Promise<void> {
      const previous = lastSent.get(snapshot.id);
      const queued = pending.get(snapshot.id);
      if (!previous || previous.status !== snapshot.status || FINISHED_STATUSES.has(snapshot.status)) {
        if (queued) {
          clearTimeout(queued.timer);
          pending.delete(snapshot.id);
        }
        return send(snapshot);
      }
      if (queued) {
        if (snapshot.processed >= queued.snapshot.processed) queued.snapshot = snapshot;
        return Promise.resolve();
      }
      const wait = Math.max(0, previous.at + intervalMs - Date.now());
      if (wait === 0) return send(snapshot);
      const timer = setTimeout(() => {
        const entry = pending.get(snapshot.id);
        pending.delete(snapshot.id);
        if (entry) void send(entry.snapshot);
      }, wait);
      timer.unref();
      pending.set(snapshot.id, { snapshot, timer });
      return Promise.resolve();
    },
    /** Send everything still queued (shutdown). */
    async flush() {
      const entries = [...pending.values()];
      pending.clear();
      for (const entry of entries) clearTimeout(entry.timer);
      await Promise.all(entries.map((e) => send(e.snapshot)));
    },
  };
}

export interface LeadPublisher {
  /** Queue one finished lead (its JSON) for the job's results channel. */
  add(jobId: string, leadJson: string): void;
  /** Send what is queued for one job (before its final snapshot), or for every job (shutdown). */
  flush(jobId?: string): Promise<void>;
}

/**
 * Coalesce the live leads of each job: one pub/sub message per job at most every `intervalMs`
 * (or once `maxBatch` leads wait), instead of one per domain. Leads are stored in Redis before
 * they are queued here, and the results stream reads the store again after the final event, so
 * a batch in flight when a job ends is not lost to a subscriber.
 */
export function createLeadPublisher(bus: ProgressBus, intervalMs = 100, maxBatch = 200): LeadPublisher {
  const pending = new Map<string, { leads: string[]; timer: NodeJS.Timeout }>();
  const send = (jobId: string): Promise<void> => {
    const entry = pending.get(jobId);
    if (!entry) return Promise.resolve();
    pending.delete(jobId);
    clearTimeout(entry.timer);
    // live delivery is best effort: a lost message is read back from the store
    return bus.publishLeads(jobId, entry.leads).catch(() => {});
  };
  return {
    add(jobId, leadJson) {
      const entry = pending.get(jobId);
      if (entry) {
        entry.leads.push(leadJson);
        if (entry.leads.length >= maxBatch) void send(jobId);
        return;
      }
      const timer = setTimeout(() => void send(jobId), intervalMs);
      timer.unref();
      pending.set(jobId, { leads: [leadJson], timer });
    },
    async flush(jobId) {
      if (jobId !== undefined) return send(jobId);
      await Promise.all([...pending.keys()].map(send));
    },
  };
}

/** A push queue turned into an async iterator that ends when `end()` is called. */
function createEventQueue<T>() {
  const items: T[] = [];
  let wake: (() => void) | undefined;
  return {
    push(item: T) {
      items.push(item);
      wake?.();
    },
    /** Let a waiting `next` return now (with nothing, when nothing arrived). */
    interrupt() {
      wake?.();
    },
    async next(timeoutMs: number): Promise<T | undefined> {
      if (items.length) return items.shift();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
      return items.shift();
    },
  };
}

export interface WatchOptions {
  heartbeatMs?: number;
  signal?: AbortSignal;
  /** Called on heartbeats (e.g. to apply a lazy job timeout) before reading the snapshot. */
  refresh?: (id: string) => Promise<JobSnapshot | null>;
  /**
   * The server is shutting down: the progress stream sends the current snapshot as its final
   * message and ends, the results stream ends (the client sees the subscription complete).
   */
  closing?: AbortSignal;
}

/**
 * The progress stream of one job: the current snapshot first, then every change with
 * monotonically growing `processed` (events from several workers may cross), a snapshot read
 * from Redis whenever `heartbeatMs` pass without one, and nothing after the final event.
 */
export async function* watchJobProgress(bus: ProgressBus, store: JobStore, prefix: string, id: string, options: WatchOptions = {}): AsyncGenerator<JobSnapshot> {
  const { heartbeatMs = 5000, signal } = options;
  const refresh = options.refresh ?? ((jobId: string) => store.snapshot(jobId));
  const queue = createEventQueue<JobSnapshot>();
  // subscribe first, then read the snapshot: nothing published in between is lost
  const unsubscribe = await bus.subscribe<JobSnapshot>(progressChannel(prefix, id), (s) => queue.push(s));
  signal?.addEventListener('abort', () => queue.interrupt(), { once: true });
  options.closing?.addEventListener('abort', () => queue.interrupt(), { once: true });
  try {
    let last = await refresh(id);
    if (!last) return;
    yield last;
    while (!FINISHED_STATUSES.has(last.status) && !signal?.aborted) {
      let next = await queue.next(heartbeatMs);
      if (signal?.aborted) return;
      if (options.closing?.aborted) {
        // the final message: the state as it stands, then the stream completes
        const final = await refresh(id).catch(() => null);
        if (final) yield final.processed < last.processed ? { ...final, processed: last.processed } : final;
        return;
      }
      if (!next) {
        next = (await refresh(id)) ?? undefined;
        if (!next) return;
        // a heartbeat repeats the state even when nothing moved
        if (next.processed < last.processed) next = { ...last, etaSeconds: next.etaSeconds };
        last = next;
        yield next;
        continue;
      }
      const finished = FINISHED_STATUSES.has(next.status);
      if (next.processed < last.processed && !finished) continue;
      if (next.processed === last.processed && next.status === last.status) continue;
      if (finished && next.processed < last.processed) next = { ...next, processed: last.processed };
      last = next;
      yield next;
    }
  } finally {
    unsubscribe();
  }
}

/** A job's finished leads in submission order, read page by page (a big job is never held whole). */
async function* storedLeads(store: JobStore, id: string, pageSize = 500): AsyncGenerator<Lead> {
  let offset: number | null = 0;
  while (offset !== null) {
    const page = await store.results(id, offset, pageSize);
    for (const { position: _position, ...lead } of page.leads) yield lead as Lead;
    offset = page.nextOffset;
  }
}

/** The leads of a job as they finish; ends when the job ends. */
export async function* watchJobResults(bus: ProgressBus, store: JobStore, prefix: string, id: string, options: WatchOptions = {}): AsyncGenerator<Lead> {
  const { heartbeatMs = 5000, signal } = options;
  const refresh = options.refresh ?? ((jobId: string) => store.snapshot(jobId));
  const queue = createEventQueue<{ lead?: Lead; snapshot?: JobSnapshot }>();
  const unsubLeads = await bus.subscribe<Lead | Lead[]>(resultsChannel(prefix, id), (message) => {
    if (!Array.isArray(message)) return queue.push({ lead: message });
    for (const lead of message) queue.push({ lead });
  });
  const unsubProgress = await bus.subscribe<JobSnapshot>(progressChannel(prefix, id), (snapshot) => queue.push({ snapshot }));
  signal?.addEventListener('abort', () => queue.interrupt(), { once: true });
  options.closing?.addEventListener('abort', () => queue.interrupt(), { once: true });
  try {
    const start = await refresh(id);
    if (!start) return;
    // leads finished before we subscribed come from the store, then live ones (deduped)
    const seen = new Set<string>();
    for await (const lead of storedLeads(store, id)) {
      seen.add(lead.domain);
      yield lead;
    }
    let finished = FINISHED_STATUSES.has(start.status);
    while (!finished && !signal?.aborted) {
      const event = await queue.next(heartbeatMs);
      if (options.closing?.aborted && !event) break;
      if (event?.lead) {
        if (seen.has(event.lead.domain)) continue;
        seen.add(event.lead.domain);
        yield event.lead;
      } else {
        const snapshot = event?.snapshot ?? (await refresh(id));
        finished = !snapshot || FINISHED_STATUSES.has(snapshot.status);
      }
    }
    // leads whose events raced the final snapshot
    for await (const lead of storedLeads(store, id)) {
      if (seen.has(lead.domain)) continue;
      yield lead;
    }
  } finally {
    unsubLeads();
    unsubProgress();
  }
}
