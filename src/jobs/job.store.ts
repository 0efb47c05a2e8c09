/**
 * Hot job state in Redis. All keys of one job share a hash tag (`{<id>}`) so the Lua scripts
 * stay valid on Redis Cluster. Counters change only inside Lua scripts: a domain is counted
 * exactly once (HSETNX on the `done` hash), however often it was retried or re-run after a
 * worker died, and a finished job's counters never move again.
 */
import type { Redis, Result } from 'ioredis';
import type { ScanFailure } from '../scan/scan.errors.js';
import type { Lead } from '../scan/scan.types.js';
import { FINISHED_STATUSES, type DomainOutcome, type JobError, type JobSnapshot, type JobStatus } from './job.types.js';

export interface JobStoreOptions {
  prefix: string;
  /** Lifetime of a finished job's state (s). */
  ttlSeconds: number;
  /**
   * Where a finished lead is once it has left Redis (the database): positions [from, to) of a
   * job. Without it, leads stay in Redis until the job expires.
   */
  persisted?: (jobId: string, from: number, to: number) => Promise<(Lead & { position: number })[]>;
}

export interface NewJob {
  id: string;
  domains: string[];
  createdAt: Date;
  timeoutAt: Date;
  submittedBy: string | null;
  options?: Record<string, unknown>;
  /** Streaming submission: domains are appended while the upload runs; the job cannot complete until sealed. */
  uploading?: boolean;
}

/** One domain of a queued unit, as the worker reads it. */
export interface UnitEntry {
  domain: string;
  position: number;
  /** Already counted (a re-run unit skips it). */
  done: boolean;
  /** Stages a previous attempt finished (JSON), if any. */
  partial: string | null;
}

export type RecordResult =
  /** `payload`: the lead or failure as stored (JSON), for whoever sends it on without serialising it again. */
  | { counted: true; snapshot: JobSnapshot; payload: string }
  | { counted: false; reason: 'duplicate' | 'finished' | 'unknown_job' };

const RECORD_SCRIPT = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return -1 end
if status == 'completed' or status == 'failed' or status == 'cancelled' then return -2 end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('HDEL', KEYS[6], ARGV[1])
-- done/results/errors come into being here (EXPIRE at create skipped them): give them the job's lifetime
local function keepTtl(key)
  if redis.call('PTTL', key) == -1 then
    local pttl = redis.call('PTTL', KEYS[1])
    if pttl > 0 then redis.call('PEXPIRE', key, pttl) end
  end
end
keepTtl(KEYS[2])
if ARGV[2] == 's' then
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
  keepTtl(KEYS[3])
  redis.call('HINCRBY', KEYS[1], 'succeeded', 1)
else
  redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
  keepTtl(KEYS[4])
  redis.call('HINCRBY', KEYS[1], 'failed', 1)
end
local processed = redis.call('HINCRBY', KEYS[1], 'processed', 1)
if status == 'pending' then redis.call('HSET', KEYS[1], 'status', 'running', 'started_at', ARGV[4]) end
if processed >= tonumber(redis.call('HGET', KEYS[1], 'total')) and redis.call('HGET', KEYS[1], 'uploading') ~= '1' then
  redis.call('HSET', KEYS[1], 'status', 'completed', 'finished_at', ARGV[4])
  for i = 1, #KEYS do redis.call('EXPIRE', KEYS[i], ARGV[5]) end
end
-- the fresh state (the snapshot's fields: SNAPSHOT_FIELDS), so the caller needs no second round trip
return redis.call('HMGET', KEYS[1], unpack(ARGV, 6))
`;

/** The meta-hash fields a snapshot is made of (toSnapshot), as the record script returns them. */
const SNAPSHOT_FIELDS = ['status', 'total', 'processed', 'succeeded', 'failed', 'created_at', 'started_at', 'finished_at', 'timeout_at', 'error', 'submitted_by'] as const;

// The domains of one unit (a range of the job's list), whether each is already counted, and
// the stages a previous attempt saved: one round trip.
const UNIT_SCRIPT = `
local domains = redis.call('LRANGE', KEYS[1], ARGV[1], ARGV[2])
if #domains == 0 then return {{}, {}, {}} end
return {domains, redis.call('HMGET', KEYS[2], unpack(domains)), redis.call('HMGET', KEYS[3], unpack(domains))}
`;

// End of a streaming upload: the job may complete from now on (at once, when every domain is counted).
const SEAL_SCRIPT = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return -1 end
redis.call('HSET', KEYS[1], 'uploading', '0', 'timeout_at', ARGV[2])
-- dedupe is over once the list is complete
redis.call('DEL', KEYS[7])
if status ~= 'pending' and status ~= 'running' then return 0 end
local total = tonumber(redis.call('HGET', KEYS[1], 'total'))
if total > 0 and tonumber(redis.call('HGET', KEYS[1], 'processed')) >= total then
  redis.call('HSET', KEYS[1], 'status', 'completed', 'finished_at', ARGV[1])
  for i = 1, #KEYS do redis.call('EXPIRE', KEYS[i], ARGV[3]) end
  return 2
end
for i = 1, #KEYS do if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('EXPIRE', KEYS[i], ARGV[4]) end end
return 1
`;

const START_SCRIPT = `
if redis.call('HGET', KEYS[1], 'status') == 'pending' then
  redis.call('HSET', KEYS[1], 'status', 'running', 'started_at', ARGV[1])
  return 1
end
return 0
`;

const FINISH_SCRIPT = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return -1 end
if status == 'completed' or status == 'failed' or status == 'cancelled' then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'finished_at', ARGV[2], 'error', ARGV[3])
for i = 1, #KEYS do redis.call('EXPIRE', KEYS[i], ARGV[4]) end
return 1
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    scoutRecord(meta: string, done: string, results: string, errors: string, domains: string, partial: string, domain: string, kind: string, payload: string, now: string, ttl: number, ...snapshotFields: string[]): Result<number | (string | null)[], Context>;
    scoutStart(meta: string, now: string): Result<number, Context>;
    scoutFinish(meta: string, done: string, results: string, errors: string, domains: string, partial: string, seen: string, status: string, now: string, error: string, ttl: number): Result<number, Context>;
    scoutAdvance(round: string, priority: number): Result<number, Context>;
    scoutRound(round: string, prioritized: string, wait: string, active: string): Result<number, Context>;
    scoutUnit(domains: string, done: string, partial: string, from: number, to: number): Result<[string[], (string | null)[], (string | null)[]], Context>;
    scoutSeal(meta: string, done: string, results: string, errors: string, domains: string, partial: string, seen: string, now: string, timeoutAt: string, ttl: number, lifetime: number): Result<number, Context>;
  }
}

/** Estimated seconds left from the rate so far. Pure. */
export function estimateEtaSeconds(snapshot: Pick<JobSnapshot, 'status' | 'total' | 'processed' | 'startedAt'>, now: number): number | null {
  if (snapshot.status !== 'running' || !snapshot.startedAt || snapshot.processed === 0) return null;
  const elapsed = (now - Date.parse(snapshot.startedAt)) / 1000;
  if (elapsed <= 0) return null;
  return Math.ceil((snapshot.total - snapshot.processed) / (snapshot.processed / elapsed));
}

export function progressOf(processed: number, total: number): number {
  return total > 0 ? Math.floor((processed * 100) / total) : 100;
}

export function createJobStore(redis: Redis, options: JobStoreOptions) {
  const { prefix, ttlSeconds } = options;
  redis.defineCommand('scoutRecord', { numberOfKeys: 6, lua: RECORD_SCRIPT });
  redis.defineCommand('scoutStart', { numberOfKeys: 1, lua: START_SCRIPT });
  redis.defineCommand('scoutFinish', { numberOfKeys: 7, lua: FINISH_SCRIPT });
  redis.defineCommand('scoutUnit', { numberOfKeys: 3, lua: UNIT_SCRIPT });
  redis.defineCommand('scoutSeal', { numberOfKeys: 7, lua: SEAL_SCRIPT });
  redis.defineCommand('scoutRound', {
    numberOfKeys: 4,
    lua: `if redis.call('ZCARD', KEYS[2]) == 0 and redis.call('LLEN', KEYS[3]) == 0 and redis.call('LLEN', KEYS[4]) == 0 then redis.call('SET', KEYS[1], '0') return 0 end
return tonumber(redis.call('GET', KEYS[1]) or '0')`,
  });
  redis.defineCommand('scoutAdvance', { numberOfKeys: 1, lua: `if tonumber(redis.call('GET', KEYS[1]) or '0') < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end return 0` });

  const keys = (id: string) => {
    const base = `${prefix}:job:{${id}}`;
    return {
      meta: base,
      done: `${base}:done`,
      results: `${base}:results`,
      errors: `${base}:errors`,
      domains: `${base}:domains`,
      /** Stages finished by an attempt that will be retried, per domain (deleted when the domain is counted). */
      partial: `${base}:partial`,
      /** Streaming submission: every domain accepted so far (exact dedupe outside the API heap). */
      seen: `${base}:seen`,
    };
  };
  const allKeys = (id: string) => {
    const k = keys(id);
    return [k.meta, k.done, k.results, k.errors, k.domains, k.partial, k.seen] as const;
  };
  /**
   * Records of domains that finish in the same event-loop turn go out as one pipeline (one
   * socket write instead of one per domain), sent when the turn's I/O is done (setImmediate).
   * Each is still its own atomic script call; a record not sent yet when the process dies is a
   * domain not counted, which a re-run scans again, as before.
   */
  type RecordArgs = Parameters<Redis['scoutRecord']>;
  type RecordReply = number | (string | null)[];
  let pendingRecords: { args: RecordArgs; resolve: (reply: RecordReply) => void; reject: (error: unknown) => void }[] = [];
  const sendRecords = () => {
    const batch = pendingRecords;
    pendingRecords = [];
    if (batch.length === 1) {
      const [only] = batch;
      redis.scoutRecord(...only.args).then(only.resolve, only.reject);
      return;
    }
    const pipeline = redis.pipeline();
    for (const { args } of batch) pipeline.scoutRecord(...args);
    pipeline.exec().then(
      (replies) => {
        batch.forEach(({ resolve, reject }, i) => {
          const [error, reply] = replies?.[i] ?? [new Error('no reply to a pipelined record')];
          if (error) reject(error);
          else resolve(reply as RecordReply);
        });
      },
      (error: unknown) => {
        for (const { reject } of batch) reject(error);
      },
    );
  };
  const recordSoon = (...args: RecordArgs) =>
    new Promise<RecordReply>((resolve, reject) => {
      if (pendingRecords.push({ args, resolve, reject }) === 1) setImmediate(sendRecords);
    });

  // beside the BullMQ keys (one hash slot), which the round script reads
  const roundKey = `{${prefix}}:sched:round`;
  const lifetimeOf = (timeoutAt: Date) => Math.ceil((timeoutAt.getTime() - Date.now()) / 1000) + ttlSeconds;

  function toSnapshot(id: string, h: Record<string, string>, now = Date.now()): JobSnapshot {
    const total = Number(h.total);
    const processed = Number(h.processed ?? 0);
    const base = {
      id,
      status: h.status as JobStatus,
      total,
      processed,
      succeeded: Number(h.succeeded ?? 0),
      failed: Number(h.failed ?? 0),
      progress: progressOf(processed, total),
      createdAt: h.created_at,
      startedAt: h.started_at || null,
      finishedAt: h.finished_at || null,
      timeoutAt: h.timeout_at,
      error: h.error ? (JSON.parse(h.error) as JobError) : null,
      submittedBy: h.submitted_by || null,
    };
    return { ...base, etaSeconds: estimateEtaSeconds(base, now) };
  }

  return {
    keys,

    async create(job: NewJob): Promise<JobSnapshot> {
      const k = keys(job.id);
      // until it finishes, a job lives as long as its timeout plus the TTL
      const lifetime = lifetimeOf(job.timeoutAt);
      const fields: Record<string, string> = {
        status: 'pending',
        total: String(job.domains.length),
        processed: '0',
        succeeded: '0',
        failed: '0',
        created_at: job.createdAt.toISOString(),
        timeout_at: job.timeoutAt.toISOString(),
        submitted_by: job.submittedBy ?? '',
        options: JSON.stringify(job.options ?? {}),
        ...(job.uploading ? { uploading: '1' } : {}),
      };
      const pipeline = redis.multi().hset(k.meta, fields);
      if (job.domains.length) pipeline.rpush(k.domains, ...job.domains);
      for (const key of allKeys(job.id)) pipeline.expire(key, lifetime);
      await pipeline.exec();
      return toSnapshot(job.id, fields);
    },

    async snapshot(id: string): Promise<JobSnapshot | null> {
      const h = await redis.hgetall(keys(id).meta);
      return h.status ? toSnapshot(id, h) : null;
    },

    async options(id: string): Promise<Record<string, unknown> | null> {
      const raw = await redis.hget(keys(id).meta, 'options');
      return raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
    },

    async setOptions(id: string, options: Record<string, unknown>): Promise<void> {
      await redis.hset(keys(id).meta, 'options', JSON.stringify(options));
    },

    async status(id: string): Promise<JobStatus | null> {
      return (await redis.hget(keys(id).meta, 'status')) as JobStatus | null;
    },

    /**
     * Streaming submission: keep the entries not seen before in this job (exact, via the job's
     * Redis set), append them to its list and grow its total. Returns the appended domains and
     * the position of the first one.
     */
    /**
     * Append the domains not seen before in this job (exact dedupe on a per-job set).
     * `admit(n)`, when given, is asked for the new ones before they are appended (the hourly
     * quota counts distinct domains); when it throws, nothing is appended.
     */
    async appendDomains(id: string, domains: string[], timeoutAt: Date, admit?: (added: number) => Promise<void>): Promise<{ added: string[]; start: number; total: number }> {
      const k = keys(id);
      if (domains.length === 0) return { added: [], start: Number(await redis.hget(k.meta, 'total')), total: Number(await redis.hget(k.meta, 'total')) };
      const lifetime = lifetimeOf(timeoutAt);
      const check = redis.pipeline();
      for (const domain of domains) check.sadd(k.seen, domain);
      check.expire(k.seen, lifetime);
      const answers = (await check.exec()) ?? [];
      const added = domains.filter((_d, i) => answers[i]?.[1] === 1);
      if (added.length && admit) {
        try {
          await admit(added.length);
        } catch (error) {
          // not appended, so not seen: the set stays the job's list
          await redis.srem(k.seen, ...added).catch(() => {});
          throw error;
        }
      }
      if (added.length === 0) {
        const total = Number(await redis.hget(k.meta, 'total'));
        return { added, start: total, total };
      }
      const result = await redis.multi().rpush(k.domains, ...added).hincrby(k.meta, 'total', added.length).expire(k.domains, lifetime).exec();
      const total = Number(result?.[1]?.[1]);
      return { added, start: total - added.length, total };
    },

    /** End a streaming upload: from now on the job completes when every domain is counted. */
    async seal(id: string, timeoutAt: Date, now = new Date()): Promise<number> {
      return redis.scoutSeal(...allKeys(id), now.toISOString(), timeoutAt.toISOString(), ttlSeconds, lifetimeOf(timeoutAt));
    },

    /** The domains of positions [start, start + count), for a worker's unit. */
    async unit(id: string, start: number, count: number): Promise<UnitEntry[]> {
      const k = keys(id);
      const [domains, done, partial] = await redis.scoutUnit(k.domains, k.done, k.partial, start, start + count - 1);
      return domains.map((domain, i) => ({ domain, position: start + i, done: done[i] != null, partial: partial[i] || null }));
    },

    /** Keep the stages one attempt finished, for the retry (or a re-run after a crash). */
    async savePartial(id: string, domain: string, partial: unknown): Promise<void> {
      const k = keys(id);
      const pttl = await redis.pttl(k.meta);
      const write = redis.multi().hset(k.partial, domain, JSON.stringify(partial));
      // the job's lifetime, like every key of its state
      if (pttl > 0) write.pexpire(k.partial, pttl);
      await write.exec();
    },

    /**
     * Fair sharing (see queue.ts): the round being served; a new job's first unit is queued just
     * after it. With no unit queued or running the rounds start again from 0 (BullMQ priorities
     * end at 2 097 151).
     */
    async currentRound(): Promise<number> {
      const bull = `{${prefix}}:bull:domain-scan`;
      return Number(await redis.scoutRound(roundKey, `${bull}:prioritized`, `${bull}:wait`, `${bull}:active`));
    },

    /** A worker took a unit of round `priority`: move the served round forward (never back). */
    async advanceRound(priority: number): Promise<void> {
      await redis.scoutAdvance(roundKey, priority);
    },

    /** pending -> running when a worker picks up the job's first domain. */
    async markStarted(id: string, now = new Date()): Promise<boolean> {
      return (await redis.scoutStart(keys(id).meta, now.toISOString())) === 1;
    },

    /** Count one finished domain (once). */
    async record(id: string, domain: string, outcome: DomainOutcome, now = new Date()): Promise<RecordResult> {
      const k = keys(id);
      const payload = JSON.stringify(outcome.kind === 'succeeded' ? outcome.lead : outcome.failure);
      const code = await recordSoon(k.meta, k.done, k.results, k.errors, k.domains, k.partial, domain, outcome.kind === 'succeeded' ? 's' : 'f', payload, now.toISOString(), ttlSeconds, ...SNAPSHOT_FIELDS);
      if (code === -1) return { counted: false, reason: 'unknown_job' };
      if (code === -2) return { counted: false, reason: 'finished' };
      if (typeof code === 'number') return { counted: false, reason: 'duplicate' };
      // the fields the hash has, as HGETALL would give them
      const h: Record<string, string> = {};
      for (let i = 0; i < SNAPSHOT_FIELDS.length; i++) {
        const value = code[i];
        if (value !== null && value !== undefined) h[SNAPSHOT_FIELDS[i]] = value;
      }
      return { counted: true, snapshot: toSnapshot(id, h), payload };
    },

    /** End an unfinished job as failed (timeout) or cancelled; finished results are kept. */
    async finish(id: string, status: Extract<JobStatus, 'failed' | 'cancelled'>, error: JobError, now = new Date()): Promise<boolean> {
      return (await redis.scoutFinish(...allKeys(id), status, now.toISOString(), JSON.stringify(error), ttlSeconds)) === 1;
    },

    async domainsPage(id: string, offset: number, limit: number): Promise<string[]> {
      return redis.lrange(keys(id).domains, offset, offset + limit - 1);
    },

    /**
     * Finished leads in submission order, from position `offset`, up to `limit` of them: from
     * Redis, and from the database (`persisted`) for those already moved there; read page by
     * page (constant memory). `residentOnly`: only those still in Redis.
     */
    async results(id: string, offset = 0, limit = Number.MAX_SAFE_INTEGER, residentOnly = false): Promise<{ leads: (Lead & { position: number })[]; nextOffset: number | null }> {
      const k = keys(id);
      const leads: (Lead & { position: number })[] = [];
      const chunk = Math.min(1000, Math.max(100, limit));
      let position = offset;
      for (;;) {
        const domains = await redis.lrange(k.domains, position, position + chunk - 1);
        if (domains.length === 0) return { leads, nextOffset: null };
        const [values, done] = await Promise.all([redis.hmget(k.results, ...domains), residentOnly || !options.persisted ? null : redis.hmget(k.done, ...domains)]);
        // succeeded ('s') but no longer in Redis: this page's rest is in the database
        let moved: Map<number, Lead & { position: number }> | undefined;
        if (done && done.some((d, i) => d === 's' && !values[i])) {
          const rows = await options.persisted!(id, position, position + domains.length);
          moved = new Map(rows.map((row) => [row.position, row]));
        }
        for (let i = 0; i < domains.length; i++) {
          const value = values[i];
          const lead = value ? { ...(JSON.parse(value) as Lead), position: position + i } : moved?.get(position + i);
          if (!lead) continue;
          if (leads.length === limit) return { leads, nextOffset: position + i };
          leads.push(lead);
        }
        position += domains.length;
      }
    },

    /** Leads written to the database leave Redis (their `done` mark stays: they are counted). */
    async evictResults(rows: { jobId: string | null; lead: Lead }[]): Promise<void> {
      const byJob = new Map<string, string[]>();
      for (const row of rows) {
        if (!row.jobId) continue;
        const domains = byJob.get(row.jobId);
        if (domains) domains.push(row.lead.domain);
        else byJob.set(row.jobId, [row.lead.domain]);
      }
      if (byJob.size === 0) return;
      const pipeline = redis.pipeline();
      for (const [jobId, domains] of byJob) pipeline.hdel(keys(jobId).results, ...domains);
      await pipeline.exec();
    },

    /** Whether finished leads can leave Redis for the database. */
    movesResults: () => options.persisted !== undefined,

    async errors(id: string): Promise<ScanFailure[]> {
      const values = await redis.hvals(keys(id).errors);
      return values.map((v) => JSON.parse(v) as ScanFailure).sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.domain.localeCompare(b.domain));
    },

    isFinished: (status: JobStatus | null) => status !== null && FINISHED_STATUSES.has(status),
  };
}

export type JobStore = ReturnType<typeof createJobStore>;
