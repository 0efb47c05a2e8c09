/**
 * A worker process killed (SIGKILL) in the middle of a bulk job loses nothing: its units in
 * flight are handed to another worker once their lock expires, every domain is counted once,
 * and the job completes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCases } from '../src/sim/sim.cases.js';
import { startSimulator, type Simulator } from '../src/sim/simulator.js';
import type { Lead } from '../src/scan/scan.types.js';
import { loadCorpus } from './helpers/corpus.js';
import { simEnv } from './helpers/deps.js';
import { cleanupPrefix, get, gql, REDIS_URL, startStack, uniquePrefix, waitFor, type Stack } from './helpers/stack.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LOCK_MS = '2000';
const N = 60;

const cases = generateCases(loadCorpus(), N);
const domains = cases.map((c) => c.domain);
const prefix = uniquePrefix('crash');

let sim: Simulator;
let api: Stack | undefined;
let second: Stack | undefined;
let child: ChildProcess | undefined;
let childStderr = '';

const alive = (p: ChildProcess | undefined): p is ChildProcess => !!p && p.exitCode === null && p.signalCode === null;

/** SIGKILL the whole process group (tsx and the node process running the worker). */
async function killGroup(p: ChildProcess): Promise<void> {
  const exited = new Promise((r) => p.once('exit', r));
  try {
    process.kill(-p.pid!, 'SIGKILL');
  } catch {
    p.kill('SIGKILL');
  }
  await exited;
  // the grandchild dies with the group; wait until no process of the group is left
  await waitFor(async () => {
    try {
      process.kill(-p.pid!, 0);
      return false;
    } catch {
      return true;
    }
  }, 5_000, 20);
}

function spawnWorker(): ChildProcess {
  const env: Record<string, string> = {};
  const merged = {
    ...process.env,
    ...simEnv(sim, { SCOUT_REDIS_PREFIX: prefix, REDIS_URL, SCOUT_WORKER_LOCK_MS: LOCK_MS, SCOUT_CONCURRENCY: '5', LOG_LEVEL: 'silent' }),
  };
  for (const [k, v] of Object.entries(merged)) if (v !== undefined) env[k] = v;
  // detached: its own process group. The tsx CLI runs the script in a child node process, so
  // killing only the tsx pid would leave the real worker running (an orphan).
  const p = spawn(`${ROOT}node_modules/.bin/tsx`, ['src/worker/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  p.stderr?.on('data', (d: Buffer) => (childStderr += d.toString()));
  return p;
}

beforeAll(async () => {
  sim = await startSimulator({ cases, latency: { dns: [5, 20], whois: [150, 300], rdap: [150, 300] } });
  child = spawnWorker();
  api = await startStack(sim, prefix, { worker: false, env: { SCOUT_WORKER_LOCK_MS: LOCK_MS } });
}, 20_000);

afterAll(async () => {
  if (child?.pid) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (api) await cleanupPrefix(api.runtime, prefix);
  await second?.close();
  await api?.close();
  await sim?.close();
});

const status = async (id: string) => (await (await get(api!.app, `/scan/bulk/${id}`)).json()) as Record<string, any>;

describe('a worker killed mid-job', () => {
  it('hands its units to another worker: every domain counted once, the job completes', async () => {
    const start = await gql(api!.app, `mutation($d: [String!]!) { startBulkScan(domains: $d) { total job { id } } }`, { d: domains });
    expect(start.errors).toBeUndefined();
    expect(start.data.startBulkScan.total).toBe(N);
    const id: string = start.data.startBulkScan.job.id;

    // the child works until ~10 domains are done, with units in flight
    await waitFor(async () => {
      if (!alive(child)) throw new Error(`worker child exited early: ${childStderr}`);
      const s = await status(id);
      return s.processed >= 10 && (await api!.runtime.queues.domainQueue.getActiveCount()) > 0;
    }, 20_000, 20);
    await killGroup(child!);
    const atKill = await status(id);
    expect(atKill.status).toBe('running');
    expect(atKill.processed).toBeLessThan(N);
    // the dead worker's units are still marked active (their locks run out after LOCK_MS)
    const orphaned = await api!.runtime.queues.domainQueue.getActiveCount();
    expect(orphaned).toBeGreaterThan(0);
    const queriedBefore = new Set(sim.log().filter((e) => e.proto === 'dns' && e.type === 'MX').map((e) => e.name));

    // a second worker (same prefix, same lock) picks up the rest, including the stalled units
    second = await startStack(sim, prefix, { worker: true, env: { SCOUT_WORKER_LOCK_MS: LOCK_MS, SCOUT_CONCURRENCY: '5' } });
    const done = await waitFor(async () => {
      const s = await status(id);
      return s.status !== 'running' && s.status !== 'pending' ? s : undefined;
    }, 25_000);

    expect(done.status).toBe('completed');
    expect(done.total).toBe(N);
    expect(done.processed).toBe(N);
    expect(done.succeeded + done.failed).toBe(N);
    expect(done.progress).toBe(100);
    expect(done.error).toBeNull();

    const errorDomains = (done.errors as { domain: string }[]).map((e) => e.domain);
    expect(new Set(errorDomains).size).toBe(errorDomains.length);
    expect(errorDomains.length).toBe(done.failed);

    const results = await get(api!.app, `/scan/bulk/${id}/results`);
    expect(results.status).toBe(200);
    const leads = ((await results.json()) as { results: Lead[] }).results.map((l) => l.domain);
    expect(new Set(leads).size).toBe(leads.length);
    expect(leads.length).toBe(done.succeeded);
    // one outcome per domain: a lead or an error, never both, none missing
    expect([...leads, ...errorDomains].sort()).toEqual([...domains].sort());
    expect(leads).toEqual(domains.filter((d) => leads.includes(d))); // submission order

    // the units in flight at the kill were scanned again by the second worker...
    const mx = new Map<string, number>();
    for (const e of sim.log()) if (e.proto === 'dns' && e.type === 'MX') mx.set(e.name, (mx.get(e.name) ?? 0) + 1);
    const rescanned = [...mx].filter(([, n]) => n >= 2).map(([d]) => d);
    expect(rescanned.length).toBeGreaterThan(0);
    for (const d of rescanned) expect(queriedBefore.has(d), d).toBe(true);
    expect([...mx.keys()].sort()).toEqual([...domains].sort());
    // ...yet counted once
    const final = await status(id);
    expect(final.processed).toBe(N);
    expect(final.succeeded + final.failed).toBe(N);

    // the queue is drained
    await waitFor(async () => {
      const counts = await api!.runtime.queues.domainQueue.getJobCounts('active', 'wait', 'delayed', 'prioritized');
      return Object.values(counts).every((n) => n === 0);
    }, 5_000);
  }, 40_000);
});
