/**
 * Command line of `npm run sim`: flags first, then `SIM_*` environment variables, then defaults.
 */
import { parseArgs } from 'node:util';
import type { SimLatencyOptions, SimLatencyRange, SimRateLimitOptions } from './sim.types.js';

/** What `npm run sim` was asked to do. */
export interface SimCliOptions {
  casesPath: string;
  host: string;
  dnsPort: number;
  whoisPort: number;
  rdapPort: number;
  latency: SimLatencyOptions;
  rateLimit: SimRateLimitOptions;
  /** Synthetic cases to add (cloned from the loaded ones). */
  generate: number;
  /** Clone faulty cases too when generating. */
  includeFaults: boolean;
  seed: number | undefined;
  help: boolean;
}

/** Default case file, relative to the project root (where npm runs scripts). */
export const DEFAULT_CASES_PATH = 'test/fixtures/dns-cases.json';

/**
 * Fixed default ports so a service config can be written once. DNS is not 5353: that is the
 * mDNS port, which avahi (Linux) and macOS hold.
 */
export const DEFAULT_PORTS = { dns: 15353, whois: 4343, rdap: 8053 } as const;

/** Which flag (and variable) sets the port a failed bind was for. */
export function portFlagOf(port: number, options: Pick<SimCliOptions, 'dnsPort' | 'whoisPort' | 'rdapPort'>): { flag: string; env: string; server: string } | null {
  if (port === options.dnsPort) return { flag: '--dns-port', env: 'SIM_DNS_PORT', server: 'DNS (UDP+TCP)' };
  if (port === options.whoisPort) return { flag: '--whois-port', env: 'SIM_WHOIS_PORT', server: 'WHOIS' };
  if (port === options.rdapPort) return { flag: '--rdap-port', env: 'SIM_RDAP_PORT', server: 'RDAP' };
  return null;
}

/** A readable message for a port already in use, naming the flag that moves it. */
export function portInUseMessage(error: { port?: number; address?: string }, options: Pick<SimCliOptions, 'dnsPort' | 'whoisPort' | 'rdapPort' | 'host'>): string {
  const port = error.port ?? -1;
  const which = portFlagOf(port, options);
  const where = `${options.host}:${port}`;
  if (!which) return `port ${where} is already in use; choose other ports with --dns-port, --whois-port, --rdap-port (0 = any free port)`;
  return `the ${which.server} port ${where} is already in use (another program holds it${port === 5353 ? ': 5353 is the mDNS port, avahi and macOS take it' : ''}). ` +
    `Choose another with ${which.flag} <n> (or ${which.env}=<n>; 0 = any free port), e.g. npm run sim -- ${which.flag} ${port === 0 ? 0 : port + 1}`;
}

export const SIM_USAGE = `Usage: npm run sim -- [options]
  --cases <file>          case file (env SIM_CASES; default ${DEFAULT_CASES_PATH})
  --host <addr>           bind address (env SIM_HOST; default 127.0.0.1)
  --dns-port <n>          DNS port, UDP+TCP (env SIM_DNS_PORT; default ${DEFAULT_PORTS.dns}; 0 = random)
  --whois-port <n>        WHOIS port (env SIM_WHOIS_PORT; default ${DEFAULT_PORTS.whois})
  --rdap-port <n>         RDAP port (env SIM_RDAP_PORT; default ${DEFAULT_PORTS.rdap})
  --latency <spec>        reply delays in ms, e.g. dns=5-50,whois=100-600,rdap=20 (env SIM_LATENCY)
  --rate-limit <spec>     queries/s per server, e.g. dns=100,whois=5,rdap=10 (env SIM_RATE_LIMIT)
  --generate <n>          add n synthetic cases cloned from the loaded ones (env SIM_GENERATE)
  --include-faults        let --generate clone faulty cases too
  --seed <n>              latency PRNG seed (env SIM_SEED)`;

/** Parse argv (without `node script`) and env. Throws an Error with a readable message. */
export function parseSimCli(argv: string[], env: NodeJS.ProcessEnv = process.env): SimCliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      cases: { type: 'string' },
      host: { type: 'string' },
      'dns-port': { type: 'string' },
      'whois-port': { type: 'string' },
      'rdap-port': { type: 'string' },
      latency: { type: 'string' },
      'rate-limit': { type: 'string' },
      generate: { type: 'string' },
      'include-faults': { type: 'boolean' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  const pick = (flag: string | undefined, name: string) => flag ?? (env[name] || undefined);
  const seed = pick(values.seed, 'SIM_SEED');
  return {
    casesPath: pick(values.cases, 'SIM_CASES') ?? DEFAULT_CASES_PATH,
    host: pick(values.host, 'SIM_HOST') ?? '127.0.0.1',
    dnsPort: parsePort(pick(values['dns-port'], 'SIM_DNS_PORT'), DEFAULT_PORTS.dns, 'dns port'),
    whoisPort: parsePort(pick(values['whois-port'], 'SIM_WHOIS_PORT'), DEFAULT_PORTS.whois, 'whois port'),
    rdapPort: parsePort(pick(values['rdap-port'], 'SIM_RDAP_PORT'), DEFAULT_PORTS.rdap, 'rdap port'),
    latency: parseLatencySpec(pick(values.latency, 'SIM_LATENCY') ?? ''),
    rateLimit: parseRateLimitSpec(pick(values['rate-limit'], 'SIM_RATE_LIMIT') ?? ''),
    generate: parseCount(pick(values.generate, 'SIM_GENERATE') ?? '0', 'generate'),
    includeFaults: values['include-faults'] ?? false,
    seed: seed === undefined ? undefined : parseCount(seed, 'seed'),
    help: values.help ?? false,
  };
}

/** `dns=5-50,whois=100-600,rdap=20` -> per-protocol `[min, max]` ms (a single value = fixed). */
export function parseLatencySpec(spec: string): SimLatencyOptions {
  const out: SimLatencyOptions = {};
  for (const [proto, value] of specEntries(spec, 'latency')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(value);
    if (!m) throw new Error(`latency: expected <ms> or <min>-<max> for ${proto}, got "${value}"`);
    const range: SimLatencyRange = [Number(m[1]), Number(m[2] ?? m[1])];
    if (range[1] < range[0]) throw new Error(`latency: max < min for ${proto}`);
    out[proto] = range;
  }
  return out;
}

/** `dns=100,whois=5` -> queries per second per server. */
export function parseRateLimitSpec(spec: string): SimRateLimitOptions {
  const out: SimRateLimitOptions = {};
  for (const [proto, value] of specEntries(spec, 'rate-limit')) {
    const n = parseCount(value, `rate-limit ${proto}`);
    if (n < 1) throw new Error(`rate-limit: ${proto} must be >= 1`);
    if (proto === 'dns') out.dnsPerSecond = n;
    else if (proto === 'whois') out.whoisPerSecond = n;
    else out.rdapPerSecond = n;
  }
  return out;
}

function specEntries(spec: string, what: string): Array<['dns' | 'whois' | 'rdap', string]> {
  return spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [proto, value] = part.split('=', 2).map((s) => s.trim());
      if (proto !== 'dns' && proto !== 'whois' && proto !== 'rdap') throw new Error(`${what}: unknown server "${proto}" (dns, whois, rdap)`);
      if (!value) throw new Error(`${what}: missing value for ${proto}`);
      return [proto, value];
    });
}

function parsePort(value: string | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  const n = parseCount(value, what);
  if (n > 65535) throw new Error(`${what}: ${n} is not a port`);
  return n;
}

function parseCount(value: string, what: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`${what}: expected a non-negative integer, got "${value}"`);
  return Number(value);
}
