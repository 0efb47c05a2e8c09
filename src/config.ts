/**
 * Configuration: environment variables -> one typed, validated config object.
 * A bad value stops the process with a message naming the variable.
 * The variable names are a contract (ops scripts and the benchmark set them).
 */
import { z } from 'zod';
import { parseApiKeys, type ApiKey } from './auth/api-keys.js';

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
  HOST: z.string().default('127.0.0.1').describe('HTTP bind address of the API; without SCOUT_API_KEYS only loopback is allowed (see SCOUT_ALLOW_ANONYMOUS)'),
  SCOUT_ALLOW_ANONYMOUS: z.enum(['0', '1']).default('0').describe('1: serve without API keys on a non-loopback HOST (anyone who reaches it can start and cancel jobs)'),
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
  SCOUT_DNS_BURST: intFrom(0).default(0).describe('DNS queries beyond SCOUT_DNS_RATE that one 1-second window may hold (0: never more than the rate)'),
  SCOUT_WHOIS_BURST: intFrom(0).default(0).describe('WHOIS/RDAP queries beyond SCOUT_WHOIS_RATE that one 1-second window may hold, per server'),
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
  SCOUT_MAX_BULK_STREAM: intFrom(1).default(1_000_000).describe('Largest bulk list through the streaming doors (CSV, plain text, NDJSON, file upload)'),
  SCOUT_CHUNK_SIZE: intFrom(1).default(100).describe('Domains per queued unit of work (one BullMQ job names a range of a bulk job)'),
  SCOUT_UNIT_SLICE_MS: intFrom(1).default(2000).describe('A unit still running after this long queues its rest behind the other jobs (fair sharing, ms)'),
  SCOUT_JOB_TIMEOUT_MS_PER_100: intFrom(1).default(30 * 60 * 1000).describe('Bulk job timeout per 100 domains (ms, pro rata)'),
  SCOUT_JOB_TIMEOUT_MIN_MS: intFrom(1).default(30 * 60 * 1000).describe('Minimum bulk job timeout (ms)'),
  SCOUT_JOB_TTL_S: intFrom(1).default(7 * 24 * 3600).describe('Lifetime of job state in Redis (s)'),
  SCOUT_WORKER_LOCK_MS: intFrom(1000).default(30000).describe('How long a worker may go silent before its domains are handed to another worker (ms)'),
  SCOUT_REDIS_PREFIX: z.string().default('scout').describe('Key prefix of all Redis keys'),
  SCOUT_WORKER: z.enum(['on', 'off']).default('on').describe('npm start: run an in-process worker beside the API'),
  SCOUT_QUOTA_JOBS_PER_MINUTE: intFrom(0).default(10).describe('Bulk jobs one API key (or client address, without keys) may create per minute; 0: no quota'),
  SCOUT_QUOTA_DOMAINS_PER_HOUR: intFrom(0).default(1_000_000).describe('Domains one API key (or client address) may queue or scan per hour; 0: no quota'),
  SCOUT_QUOTA_RUNNING_JOBS: intFrom(0).default(5).describe('Bulk jobs one API key (or client address) may have pending or running at once; 0: no quota'),
  SCOUT_GRAPHQL_MAX_TOKENS: intFrom(1).default(1000).describe('Largest GraphQL document in lexer tokens (pass long lists as variables)'),
  SCOUT_GRAPHQL_MAX_DEPTH: intFrom(1).default(10).describe('Deepest GraphQL selection'),
  SCOUT_GRAPHQL_MAX_ALIASES: intFrom(0).default(15).describe('Most aliases in one GraphQL document'),
  SCOUT_GRAPHQL_MAX_DIRECTIVES: intFrom(0).default(50).describe('Most directives in one GraphQL document'),
  SCOUT_GRAPHQL_MAX_COST: intFrom(1).default(25_000).describe('Largest estimated cost of one GraphQL request: rows it can return plus its work (a scanDomain 5000, a startBulkScan 2000 + 1 per domain)'),
  SCOUT_GRAPHQL_MAX_ROWS: intFrom(1).default(20_000).describe('Most objects one GraphQL response may hold (estimated from page sizes before it runs)'),
  NODE_ENV: z.string().optional().describe('production: GraphiQL, introspection and field suggestions default to off'),
  SCOUT_GRAPHIQL: z.enum(['on', 'off']).optional().describe('GraphiQL at GET /graphql; default on, off when NODE_ENV=production'),
  SCOUT_INTROSPECTION: z.enum(['on', 'off']).optional().describe('GraphQL introspection; default on, off when NODE_ENV=production'),
  SCOUT_GRAPHQL_SUGGESTIONS: z.enum(['on', 'off']).optional().describe('"Did you mean" hints in GraphQL errors; default on, off when NODE_ENV=production'),
  SCOUT_API_KEYS: z
    .string()
    .optional()
    .transform((s, ctx) => {
      try {
        return parseApiKeys(s);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    })
    .describe('Comma-separated API keys, "name:key" (a bare key is named by its hash); when set, every door needs X-API-Key'),
  SCOUT_MAX_BODY_BYTES: intFrom(1).default(2 * 1024 * 1024).describe('Largest request body (bytes); larger ones get 413 while they stream in'),
  SCOUT_CORS_ORIGINS: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',').map((x) => x.trim().replace(/\/+$/, '')).filter(Boolean) : []))
    .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s*]+$/, 'expected origins like https://app.example.com (no "*")')))
    .describe('Comma-separated browser origins allowed to call the API (CORS); none by default'),
  SCOUT_MINI_UI_DIR: z.string().min(1).optional().describe("A folder with the old service's browser UI, served at /mini-ui/ with the API base injected (unset: not served)"),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level'),
  SCOUT_METRICS_PORT: intFrom(0).max(65535).optional().describe('npm run worker: port of its /metrics and /healthz/* server (unset: none; the API serves /metrics itself)'),
  SCOUT_REDIS_CONNECT_TIMEOUT_MS: intFrom(100).default(10000).describe('At start: how long to wait for Redis before exiting with an error (ms)'),
} as const;

/** Never echoed in an error message. */
const SECRET_VARIABLES = new Set(['SCOUT_API_KEYS', 'DATABASE_URL', 'REDIS_URL']);

const envSchema = z.object(ENV_SCHEMA);
export type Env = z.infer<typeof envSchema>;

export interface Config {
  port: number;
  host: string;
  redisUrl: string | undefined;
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: Env['LOG_LEVEL'];
  /** npm run worker: port of its metrics/health server; undefined = none. */
  metricsPort: number | undefined;
  /** At start: how long to wait for Redis (ms). */
  redisConnectTimeoutMs: number;
  apiKeys: ApiKey[];
  /** SCOUT_ALLOW_ANONYMOUS=1: no keys, yet a non-loopback HOST. */
  allowAnonymous: boolean;
  http: HttpConfig;
  runWorker: boolean;
  scan: ScanConfig;
  limits: LimitsConfig;
  jobs: JobsConfig;
  quotas: QuotasConfig;
  graphql: GraphQLConfig;
}

/** Per-caller quotas (0 = off). */
export interface QuotasConfig {
  jobsPerMinute: number;
  domainsPerHour: number;
  runningJobs: number;
}

/** Limits and developer aids of the GraphQL door. */
export interface GraphQLConfig {
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxCost: number;
  maxRows: number;
  graphiql: boolean;
  introspection: boolean;
  suggestions: boolean;
}

export interface HttpConfig {
  /** Largest request body in bytes. */
  maxBodyBytes: number;
  /** Origins allowed by CORS; empty = same origin only. */
  corsOrigins: string[];
  /** The old service's browser UI folder, served at /mini-ui/; undefined = not served. */
  miniUiDir: string | undefined;
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
  /** Queries beyond the rate a 1-second window may hold (SCOUT_DNS_BURST, default 0). */
  dnsBurst: number;
  /** The same per WHOIS/RDAP server (SCOUT_WHOIS_BURST, default 0). */
  whoisBurst: number;
  scope: 'worker' | 'cluster';
  concurrency: number;
  retries: number;
  backoffMs: number;
}

export interface JobsConfig {
  maxBulk: number;
  maxBulkStream: number;
  /** Domains per queued unit (SCOUT_CHUNK_SIZE). */
  chunkSize: number;
  /** After this long a unit hands the rest of its range to a new unit (SCOUT_UNIT_SLICE_MS). */
  unitSliceMs: number;
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
      const shown = SECRET_VARIABLES.has(name) ? '(value hidden)' : JSON.stringify(picked[name]);
      return `  ${name}=${shown}: ${issue.message}`;
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
    metricsPort: e.SCOUT_METRICS_PORT,
    redisConnectTimeoutMs: e.SCOUT_REDIS_CONNECT_TIMEOUT_MS,
    apiKeys: e.SCOUT_API_KEYS,
    allowAnonymous: e.SCOUT_ALLOW_ANONYMOUS === '1',
    http: { maxBodyBytes: e.SCOUT_MAX_BODY_BYTES, corsOrigins: e.SCOUT_CORS_ORIGINS, miniUiDir: e.SCOUT_MINI_UI_DIR },
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
      dnsBurst: e.SCOUT_DNS_BURST,
      whoisBurst: e.SCOUT_WHOIS_BURST,
      scope: e.SCOUT_RATE_SCOPE,
      concurrency: e.SCOUT_CONCURRENCY,
      retries: e.SCOUT_RETRIES,
      backoffMs: e.SCOUT_BACKOFF_MS,
    },
    jobs: {
      maxBulk: e.SCOUT_MAX_BULK,
      maxBulkStream: e.SCOUT_MAX_BULK_STREAM,
      chunkSize: e.SCOUT_CHUNK_SIZE,
      unitSliceMs: e.SCOUT_UNIT_SLICE_MS,
      timeoutMsPer100: e.SCOUT_JOB_TIMEOUT_MS_PER_100,
      timeoutMinMs: e.SCOUT_JOB_TIMEOUT_MIN_MS,
      ttlSeconds: e.SCOUT_JOB_TTL_S,
      redisPrefix: e.SCOUT_REDIS_PREFIX,
      workerLockMs: e.SCOUT_WORKER_LOCK_MS,
    },
    quotas: {
      jobsPerMinute: e.SCOUT_QUOTA_JOBS_PER_MINUTE,
      domainsPerHour: e.SCOUT_QUOTA_DOMAINS_PER_HOUR,
      runningJobs: e.SCOUT_QUOTA_RUNNING_JOBS,
    },
    graphql: {
      maxTokens: e.SCOUT_GRAPHQL_MAX_TOKENS,
      maxDepth: e.SCOUT_GRAPHQL_MAX_DEPTH,
      maxAliases: e.SCOUT_GRAPHQL_MAX_ALIASES,
      maxDirectives: e.SCOUT_GRAPHQL_MAX_DIRECTIVES,
      maxCost: e.SCOUT_GRAPHQL_MAX_COST,
      maxRows: e.SCOUT_GRAPHQL_MAX_ROWS,
      // developer aids: on, except in production unless asked for
      graphiql: (e.SCOUT_GRAPHIQL ?? (e.NODE_ENV === 'production' ? 'off' : 'on')) === 'on',
      introspection: (e.SCOUT_INTROSPECTION ?? (e.NODE_ENV === 'production' ? 'off' : 'on')) === 'on',
      suggestions: (e.SCOUT_GRAPHQL_SUGGESTIONS ?? (e.NODE_ENV === 'production' ? 'off' : 'on')) === 'on',
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
