/**
 * Configuration: environment variables -> one typed, validated config object.
 * A bad value stops the process with a message naming the variable.
 * The variable names are a contract (ops scripts and the benchmark set them).
 */
import { z } from 'zod';

const hostPort = z
  .string()
  .regex(/^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'expected host:port');

const intFrom = (min: number) => z.coerce.number().int().min(min);

const hostPortList = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[^\s,]+$/)).min(1));

/** Each key: env name, doc, default. */
const ENV_SCHEMA = {
  PORT: intFrom(0).max(65535).default(8080).describe('HTTP port of the API'),
  HOST: z.string().default('0.0.0.0').describe('HTTP bind address of the API'),
  REDIS_URL: z.string().url().optional().describe('Redis URL; unset: 127.0.0.1:6379, or a redis-server started by `npm start`'),
  DATABASE_URL: z.string().optional().describe('PostgreSQL URL; unset: embedded PGlite under ./.data/pg'),
  SCOUT_DATA_DIR: z.string().default('./.data').describe('Where embedded data (PGlite, a launched Redis) lives'),
  SCOUT_DNS_SERVERS: hostPortList.optional().describe('Comma-separated host:port resolvers; default: the system resolvers'),
  SCOUT_WHOIS_SERVER: hostPort.optional().describe('Send every WHOIS query to this host:port (no IANA lookup, no referral)'),
  SCOUT_RDAP: z.enum(['auto', 'off']).default('auto').describe('auto: RDAP first where the TLD has a service; off: WHOIS only'),
  SCOUT_RDAP_URL: z.string().url().optional().describe('Base URL: every RDAP query goes to <base>/domain/<name>'),
  SCOUT_RDAP_BOOTSTRAP_URL: z.string().url().default('https://data.iana.org/rdap/dns.json').describe('IANA RDAP bootstrap file, refreshed at run time when reachable'),
  SCOUT_DNS_TIMEOUT_MS: intFrom(1).default(10000).describe('DNS budget per domain (ms)'),
  SCOUT_WHOIS_TIMEOUT_MS: intFrom(1).default(5000).describe('WHOIS/RDAP budget per domain (ms)'),
  SCOUT_DOMAIN_TIMEOUT_MS: intFrom(1).default(15000).describe('Hard time budget for one domain attempt (ms)'),
  SCOUT_DNS_QUERY_TIMEOUT_MS: intFrom(1).default(2500).describe('Timeout of one DNS query (ms)'),
  SCOUT_DNS_RATE: z.coerce.number().positive().default(10).describe('DNS queries per second (per worker, or per cluster)'),
  SCOUT_WHOIS_RATE: z.coerce.number().positive().default(5).describe('WHOIS/RDAP queries per second per WHOIS server'),
  SCOUT_RATE_SCOPE: z.enum(['worker', 'cluster']).default('worker').describe('worker: budgets per worker process; cluster: shared through Redis'),
  SCOUT_CONCURRENCY: intFrom(1).default(5).describe('Domains in flight per worker'),
  SCOUT_RETRIES: intFrom(0).default(2).describe('Retries of a transient failure (attempts = retries + 1)'),
  SCOUT_BACKOFF_MS: intFrom(0).default(1000).describe('Base of the exponential backoff (ms)'),
  SCOUT_DKIM_SELECTORS: z
    .string()
    .default('selector1,selector2,google,default,k1')
    .transform((s) => s.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean))
    .describe('DKIM selectors to probe'),
  SCOUT_MAX_BULK: intFrom(1).default(10000).describe('Largest accepted bulk list'),
  SCOUT_JOB_TIMEOUT_MS_PER_100: intFrom(1).default(30 * 60 * 1000).describe('Bulk job timeout per 100 domains (ms, pro rata)'),
  SCOUT_JOB_TIMEOUT_MIN_MS: intFrom(1).default(30 * 60 * 1000).describe('Minimum bulk job timeout (ms)'),
  SCOUT_JOB_TTL_S: intFrom(1).default(7 * 24 * 3600).describe('Lifetime of job state in Redis (s)'),
  SCOUT_WORKER_LOCK_MS: intFrom(1000).default(30000).describe('How long a worker may go silent before its domains are handed to another worker (ms)'),
  SCOUT_REDIS_PREFIX: z.string().default('scout').describe('Key prefix of all Redis keys'),
  SCOUT_WORKER: z.enum(['on', 'off']).default('on').describe('npm start: run an in-process worker beside the API'),
  SCOUT_API_KEYS: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []))
    .describe('Comma-separated API keys; when set, clients send X-API-Key'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level'),
} as const;

const envSchema = z.object(ENV_SCHEMA);
export type Env = z.infer<typeof envSchema>;

export interface Config {
  port: number;
  host: string;
  redisUrl: string | undefined;
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: Env['LOG_LEVEL'];
  apiKeys: string[];
  runWorker: boolean;
  scan: ScanConfig;
  limits: LimitsConfig;
  jobs: JobsConfig;
}

export interface ScanConfig {
  /** host:port list; undefined = system resolvers. */
  dnsServers: string[] | undefined;
  /** host:port; undefined = per-TLD WHOIS servers. */
  whoisServer: string | undefined;
  rdap: 'auto' | 'off';
  rdapUrl: string | undefined;
  rdapBootstrapUrl: string;
  dnsTimeoutMs: number;
  dnsQueryTimeoutMs: number;
  whoisTimeoutMs: number;
  domainTimeoutMs: number;
  dkimSelectors: string[];
}

export interface LimitsConfig {
  dnsRate: number;
  whoisRate: number;
  scope: 'worker' | 'cluster';
  concurrency: number;
  retries: number;
  backoffMs: number;
}

export interface JobsConfig {
  maxBulk: number;
  timeoutMsPer100: number;
  timeoutMinMs: number;
  ttlSeconds: number;
  redisPrefix: string;
  workerLockMs: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parse and validate the environment. Throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const picked: Record<string, string | undefined> = {};
  for (const key of Object.keys(ENV_SCHEMA)) {
    const value = env[key];
    picked[key] = value === '' ? undefined : value;
  }
  const parsed = envSchema.safeParse(picked);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `  ${name}=${JSON.stringify(picked[name])}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    redisUrl: e.REDIS_URL,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.SCOUT_DATA_DIR,
    logLevel: e.LOG_LEVEL,
    apiKeys: e.SCOUT_API_KEYS,
    runWorker: e.SCOUT_WORKER === 'on',
    scan: {
      dnsServers: e.SCOUT_DNS_SERVERS,
      whoisServer: e.SCOUT_WHOIS_SERVER,
      rdap: e.SCOUT_RDAP,
      rdapUrl: e.SCOUT_RDAP_URL?.replace(/\/+$/, ''),
      rdapBootstrapUrl: e.SCOUT_RDAP_BOOTSTRAP_URL,
      dnsTimeoutMs: e.SCOUT_DNS_TIMEOUT_MS,
      dnsQueryTimeoutMs: e.SCOUT_DNS_QUERY_TIMEOUT_MS,
      whoisTimeoutMs: e.SCOUT_WHOIS_TIMEOUT_MS,
      domainTimeoutMs: e.SCOUT_DOMAIN_TIMEOUT_MS,
      dkimSelectors: e.SCOUT_DKIM_SELECTORS,
    },
    limits: {
      dnsRate: e.SCOUT_DNS_RATE,
      whoisRate: e.SCOUT_WHOIS_RATE,
      scope: e.SCOUT_RATE_SCOPE,
      concurrency: e.SCOUT_CONCURRENCY,
      retries: e.SCOUT_RETRIES,
      backoffMs: e.SCOUT_BACKOFF_MS,
    },
    jobs: {
      maxBulk: e.SCOUT_MAX_BULK,
      timeoutMsPer100: e.SCOUT_JOB_TIMEOUT_MS_PER_100,
      timeoutMinMs: e.SCOUT_JOB_TIMEOUT_MIN_MS,
      ttlSeconds: e.SCOUT_JOB_TTL_S,
      redisPrefix: e.SCOUT_REDIS_PREFIX,
      workerLockMs: e.SCOUT_WORKER_LOCK_MS,
    },
  };
}

/** Test helper: a config from defaults plus env overrides. */
export function configFromEnv(overrides: Record<string, string | undefined>): Config {
  return loadConfig({ ...overrides } as NodeJS.ProcessEnv);
}

/** loadConfig for entry points: a bad value prints the message and exits with status 2. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}
