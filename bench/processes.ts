/**
 * The service under test as real processes: the API (`dist/main.js`, SCOUT_WORKER=off) and N
 * workers (`dist/worker/main.js`), compiled by `npm run build` (the `prebench` script) and run
 * with plain `node` as `npm start` / `npm run worker` do, so the pid we hold IS the process whose
 * RSS and CPU time we read from /proc (and tsx's loader thread, ~65 MB, is not counted). Output goes to one log file per process under the run's log directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/**
 * The heap settings `npm start` and `npm run worker` use (package.json): a 2 MB young generation
 * and a 128 MB old-space cap keep V8's heap headroom, not the service, from setting the RSS.
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=2', '--max-old-space-size=128'];

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface ServiceProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  logFile: string;
  /** Resident set size now (bytes), undefined once gone. */
  rss(): number | undefined;
  /** user+system CPU time so far (s), undefined once gone. */
  cpuSeconds(): number | undefined;
  alive(): boolean;
  /** SIGTERM, wait for a graceful exit (up to `graceMs`), then SIGKILL. */
  stop(graceMs?: number): Promise<void>;
  /** Last lines of the log (for error messages). */
  tail(lines?: number): string;
}

const running = new Set<ServiceProcess>();

/** Kill whatever is still running (bench crash, Ctrl-C). Only our own children, by pid. */
export function killAll(): void {
  for (const p of running) {
    try {
      if (p.alive()) process.kill(p.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  running.clear();
}

/** A free TCP port on 127.0.0.1 (tiny race between close and the child's listen; fine here). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** VmRSS of a pid in bytes (Linux /proc), undefined when the process is gone. */
export function readRss(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

const CLK_TCK = 100; // getconf CLK_TCK on Linux

/** utime+stime of a pid in seconds. */
export function readCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the "(comm)" which may contain spaces
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state); utime is field 14, stime field 15
    return (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

export interface SpawnOptions {
  name: string;
  entry: 'dist/main.js' | 'dist/worker/main.js';
  env: Record<string, string>;
  logDir: string;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
}

export function spawnService(options: SpawnOptions): ServiceProcess {
  mkdirSync(options.logDir, { recursive: true });
  const logFile = path.join(options.logDir, `${options.name}.log`);
  const log = createWriteStream(logFile);
  let recent = '';
  const keep = (chunk: Buffer) => {
    recent = (recent + chunk.toString()).slice(-8000);
  };
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('SCOUT_')) env[k] = v;
  Object.assign(env, options.env);
  // node flags of the service processes only, not of the bench itself: BENCH_SERVICE_NODE_FLAGS
  // replaces the heap flags (command-line flags win over NODE_OPTIONS, so it cannot go there)
  const flags = process.env.BENCH_SERVICE_NODE_FLAGS !== undefined ? process.env.BENCH_SERVICE_NODE_FLAGS.split(/\s+/).filter(Boolean) : SERVICE_NODE_FLAGS;
  const child = spawn(process.execPath, [...flags, ...(options.nodeArgs ?? []), options.entry], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (log.write(d), keep(d)));
  child.stderr!.on('data', (d: Buffer) => (log.write(d), keep(d)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => log.end());
  if (child.pid === undefined) throw new Error(`could not spawn ${options.name}`);
  const pid = child.pid;
  const alive = () => child.exitCode === null && child.signalCode === null;
  const proc: ServiceProcess = {
    name: options.name,
    pid,
    child,
    logFile,
    rss: () => (alive() ? readRss(pid) : undefined),
    cpuSeconds: () => (alive() ? readCpuSeconds(pid) : undefined),
    alive,
    tail: (lines = 15) => recent.split('\n').slice(-lines).join('\n'),
    async stop(graceMs = 20_000) {
      running.delete(proc);
      if (!alive()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => alive() && child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  running.add(proc);
  return proc;
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string, proc: ServiceProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!proc.alive()) throw new Error(`${proc.name} exited (code ${proc.child.exitCode}, signal ${proc.child.signalCode}) while waiting for ${what}; log ${proc.logFile}:\n${proc.tail()}`);
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${proc.name}: ${what} not reached within ${timeoutMs} ms:\n${proc.tail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The environment every process of one stack shares. */
export function baseEnv(prefix: string, extra: Record<string, string>): Record<string, string> {
  return {
    REDIS_URL,
    SCOUT_REDIS_PREFIX: prefix,
    LOG_LEVEL: 'info',
    NODE_ENV: 'production',
    // the bench measures throughput: one client address starts many jobs
    SCOUT_QUOTA_JOBS_PER_MINUTE: '0',
    SCOUT_QUOTA_RUNNING_JOBS: '0',
    ...extra,
  };
}

export interface ApiProcess extends ServiceProcess {
  port: number;
  baseUrl: string;
}

/** Start the API only (SCOUT_WORKER=off) and wait until /healthz answers 200. */
export async function startApi(name: string, env: Record<string, string>, logDir: string, nodeArgs: string[] = []): Promise<ApiProcess> {
  const port = await freePort();
  const proc = spawnService({ name, entry: 'dist/main.js', env: { ...env, SCOUT_WORKER: 'off', PORT: String(port), HOST: '127.0.0.1' }, logDir, nodeArgs });
  const baseUrl = `http://127.0.0.1:${port}`;
  await until(
    async () => {
      try {
        const r = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(1000) });
        await r.body?.cancel();
        return r.status === 200;
      } catch {
        return false;
      }
    },
    60_000,
    'GET /healthz = 200',
    proc,
  );
  return Object.assign(proc, { port, baseUrl });
}

/** Start a worker process and wait for its "worker started" log line. */
export async function startWorker(name: string, env: Record<string, string>, logDir: string, nodeArgs: string[] = []): Promise<ServiceProcess> {
  const proc = spawnService({ name, entry: 'dist/worker/main.js', env, logDir, nodeArgs });
  let started = false;
  proc.child.stdout!.on('data', (d: Buffer) => {
    if (d.toString().includes('worker started')) started = true;
  });
  await until(() => started, 60_000, '"worker started" log line', proc);
  return proc;
}

export interface RssSeries {
  name: string;
  pid: number;
  samples: { t: number; rss: number }[];
  peak: number;
}

/** Sample the RSS of some processes every `intervalMs` until stopped. */
export function sampleRss(procs: ServiceProcess[], intervalMs = 200) {
  const series = new Map<string, RssSeries>(procs.map((p) => [p.name, { name: p.name, pid: p.pid, samples: [], peak: 0 }]));
  const t0 = Date.now();
  const tick = () => {
    for (const p of procs) {
      const rss = p.rss();
      if (rss === undefined) continue;
      const s = series.get(p.name)!;
      s.samples.push({ t: Date.now() - t0, rss });
      if (rss > s.peak) s.peak = rss;
    }
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return {
    /** Peak per process since `sinceMs` (relative to the sampler start). */
    peakSince(name: string, sinceMs: number, untilMs = Infinity): number {
      let peak = 0;
      for (const s of series.get(name)?.samples ?? []) if (s.t >= sinceMs && s.t <= untilMs && s.rss > peak) peak = s.rss;
      return peak;
    },
    now: () => Date.now() - t0,
    stop(): RssSeries[] {
      clearInterval(timer);
      tick();
      return [...series.values()];
    },
  };
}

export const MB = 1024 * 1024;
export const mb = (bytes: number | undefined) => (bytes === undefined ? undefined : Math.round((bytes / MB) * 10) / 10);
