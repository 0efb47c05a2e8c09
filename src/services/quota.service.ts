/**
 * Quotas per caller (an API key's name, or the client address when anonymous), shared by every
 * API process through Redis: job creations per minute, domains queued per hour (single scans
 * count one domain each), jobs running at once. Both doors (REST and GraphQL) reach it through
 * the scan services, so a caller has one budget whatever door it uses. A limit of 0 is off.
 */
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { InputError } from './input.errors.js';

/** The quotas, each 0 = off. */
export interface QuotaOptions {
  /** Bulk jobs created per minute. */
  jobsPerMinute: number;
  /** Domains queued (bulk) or scanned (single) per hour. */
  domainsPerHour: number;
  /** Bulk jobs pending or running at once. */
  runningJobs: number;
}

export type QuotaName = 'jobs_per_minute' | 'domains_per_hour' | 'running_jobs';

/** A request over a quota: REST 429 with `Retry-After`, GraphQL `RATE_LIMITED`. */
export class QuotaError extends Error {
  constructor(
    readonly quota: QuotaName,
    readonly limit: number,
    /** Whole seconds until a retry can pass (at least 1). */
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(message);
    this.name = 'QuotaError';
  }
}

/** A job admitted by the quotas; `release` gives its share back when the job was not created. */
export interface QuotaTicket {
  release(): Promise<void>;
}

export interface QuotaServiceDeps {
  redis: Redis;
  /** Key prefix (the deployment's Redis prefix). */
  prefix: string;
  options: QuotaOptions;
  /** Whether a job still counts as running (pending or running, not expired). */
  isRunning(jobId: string): Promise<boolean>;
  /** Hint for `Retry-After` when the running-jobs quota is full (s); 30 by default. */
  runningRetryAfterSeconds?: number;
}

const secondsOf = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

// Reserve a running-job slot when fewer than the limit are held (atomic across API processes).
const RESERVE_RUNNING = `
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return 1
end
return 0`;

/** Running-job slots are forgotten after this long even if never pruned (a day). */
const RUNNING_KEY_TTL_MS = 24 * 3600 * 1000;

export function createQuotaService({ redis, prefix, options, isRunning, runningRetryAfterSeconds = 30 }: QuotaServiceDeps) {
  const limiter = (points: number, duration: number, name: string) =>
    points > 0 ? new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:quota:${name}`, points, duration }) : null;
  const jobsLimiter = limiter(options.jobsPerMinute, 60, 'jobs');
  const domainsLimiter = limiter(options.domainsPerHour, 3600, 'domains');
  const runningKey = (subject: string) => `${prefix}:quota:running:${subject}`;

  /** Consume `points`; over the limit, give them back and throw a QuotaError. */
  async function consume(rl: RateLimiterRedis | null, subject: string, points: number, quota: QuotaName, describe: (limit: number) => string): Promise<() => Promise<void>> {
    if (!rl || points === 0) return async () => {};
    try {
      await rl.consume(subject, points);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      // a refused request must not use up what it was refused
      await rl.reward(subject, points).catch(() => {});
      throw new QuotaError(quota, rl.points, secondsOf(rejection.msBeforeNext), describe(rl.points));
    }
    return async () => {
      await rl.reward(subject, points).catch(() => {});
    };
  }

  /** Forget finished jobs, then take a slot for `jobId` or throw. */
  async function reserveRunning(subject: string, jobId: string): Promise<() => Promise<void>> {
    const limit = options.runningJobs;
    if (limit <= 0) return async () => {};
    const key = runningKey(subject);
    const held = await redis.zrange(key, 0, -1);
    if (held.length >= limit) {
      const finished: string[] = [];
      for (const id of held) if (!(await isRunning(id))) finished.push(id);
      if (finished.length) await redis.zrem(key, ...finished);
    }
    const reserved = await redis.eval(RESERVE_RUNNING, 1, key, limit, Date.now(), jobId, RUNNING_KEY_TTL_MS);
    if (reserved !== 1) {
      throw new QuotaError('running_jobs', limit, runningRetryAfterSeconds, `${limit} jobs of this caller are already pending or running (quota: SCOUT_QUOTA_RUNNING_JOBS); retry when one has finished`);
    }
    return async () => {
      await redis.zrem(key, jobId).catch(() => {});
    };
  }

  return {
    options,

    /**
     * Admit a bulk job of `domains` domains for `subject` before it is created: all three
     * quotas, or none (a refused job uses up nothing).
     * @throws QuotaError over a quota; InputError when the job alone exceeds the hourly quota
     */
    async admitJob(subject: string, jobId: string, domains: number): Promise<QuotaTicket> {
      if (options.domainsPerHour > 0 && domains > options.domainsPerHour) {
        throw new InputError(`the list has ${domains} domains; the hourly quota is ${options.domainsPerHour} (SCOUT_QUOTA_DOMAINS_PER_HOUR)`, [
          { loc: ['body', 'domain_list'], msg: `ensure this value has at most ${options.domainsPerHour} items (the hourly quota, SCOUT_QUOTA_DOMAINS_PER_HOUR)`, type: 'value_error.list.max_items' },
        ]);
      }
      const releases: (() => Promise<void>)[] = [];
      const releaseAll = async () => {
        for (const release of releases.splice(0).reverse()) await release();
      };
      try {
        releases.push(await reserveRunning(subject, jobId));
        releases.push(await consume(jobsLimiter, subject, 1, 'jobs_per_minute', (n) => `more than ${n} jobs created in a minute (quota: SCOUT_QUOTA_JOBS_PER_MINUTE)`));
        releases.push(await consume(domainsLimiter, subject, domains, 'domains_per_hour', (n) => `more than ${n} domains queued in an hour (quota: SCOUT_QUOTA_DOMAINS_PER_HOUR)`));
      } catch (error) {
        await releaseAll();
        throw error;
      }
      return { release: releaseAll };
    },

    /**
     * Count `domains` more of a streamed upload (its total is known only as it arrives) against
     * the hourly quota. @throws QuotaError
     */
    async admitDomains(subject: string, domains: number): Promise<void> {
      await consume(domainsLimiter, subject, domains, 'domains_per_hour', (n) => `more than ${n} domains queued in an hour (quota: SCOUT_QUOTA_DOMAINS_PER_HOUR)`);
    },

    /** Admit one single-domain scan (one domain of the hourly quota). @throws QuotaError */
    async admitScan(subject: string): Promise<void> {
      await consume(domainsLimiter, subject, 1, 'domains_per_hour', (n) => `more than ${n} domains scanned in an hour (quota: SCOUT_QUOTA_DOMAINS_PER_HOUR)`);
    },
  };
}

export type QuotaService = ReturnType<typeof createQuotaService>;

/** No quotas (tests of other things, in-process tools). */
export const noQuotas: QuotaService = {
  options: { jobsPerMinute: 0, domainsPerHour: 0, runningJobs: 0 },
  admitJob: async () => ({ release: async () => {} }),
  admitDomains: async () => {},
  admitScan: async () => {},
};
