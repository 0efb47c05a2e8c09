/**
 * The `domain-scout` CLI spawned against a live server (HTTP on a real port, Redis, an
 * in-process worker, the simulator): scan a CSV and a plain list, every output format, --out,
 * status/results/cancel, exit codes, non-TTY quietness, a key-protected server (401 and
 * --api-key), an unreachable server, bad files, and Ctrl-C without a terminal (cancels the job).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiKeys } from '../src/auth/api-keys.js';
import { createLogger } from '../src/logger.js';
import { LEAD_FIELDS } from '../src/scan/scan.types.js';
import { createApp } from '../src/server.js';
import { generateCases } from '../src/sim/sim.cases.js';
import { startSimulator, type Simulator } from '../src/sim/simulator.js';
import { loadCorpus } from './helpers/corpus.js';
import { cleanupPrefix, gql, startStack, uniquePrefix, waitFor, type Stack } from './helpers/stack.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const corpus = loadCorpus();
const clean = corpus.filter((c) => !(c.expect as { failed?: boolean }).failed && !c.whois?.fault);
const nx = corpus.find((c) => c.kind === 'nxdomain')!;
const okDomains = clean.slice(0, 10).map((c) => c.domain);
const slowCases = generateCases(corpus, 60, { includeFaults: false });

let sim: Simulator;
let stack: Stack;
let slow: Stack;
const servers: Server[] = [];
let url: string;
let keyedUrl: string;
let slowUrl: string;
let dir: string;
const prefix = uniquePrefix('cli');
const slowPrefix = uniquePrefix('cli-slow');

async function listen(app: { handleNodeRequest: Parameters<typeof createServer>[1] }): Promise<string> {
  const server = createServer(app.handleNodeRequest);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawn the CLI (no TTY: pipes), optionally feeding stdin; `onSpawn` may signal it. */
function cli(args: string[], options: { env?: Record<string, string>; stdin?: string; onSpawn?: (pid: number, stderr: () => string) => void } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['src/cli/main.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', SCOUT_URL: url, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(options.stdin ?? '');
    options.onSpawn?.(child.pid!, () => stderr);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  sim = await startSimulator({ cases: [...corpus, ...slowCases], latency: { dns: [20, 40] } });
  stack = await startStack(sim, prefix, { env: { SCOUT_CONCURRENCY: '20' } });
  url = await listen(stack.app);
  keyedUrl = await listen(createApp({ services: stack.runtime.services, logger: createLogger('silent'), apiKeys: parseApiKeys('cli:cli-secret-key-0123456789'), health: stack.runtime.health }));
  // one domain at a time at 20-40 ms a DNS query: 60 domains take well over ten seconds
  slow = await startStack(sim, slowPrefix, { env: { SCOUT_CONCURRENCY: '1' } });
  slowUrl = await listen(slow.app);
  dir = mkdtempSync(path.join(tmpdir(), 'scout-cli-'));
});
afterAll(async () => {
  for (const server of servers) await new Promise((r) => server.close(r));
  if (stack) await cleanupPrefix(stack.runtime, prefix);
  if (slow) await cleanupPrefix(slow.runtime, slowPrefix);
  await stack?.close();
  await slow?.close();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('domain-scout scan', () => {
  it('a CSV file -> CSV on stdout with the REST columns; quiet progress without a TTY; exit 1 when a domain failed, 0 with --no-fail-on-errors', async () => {
    const file = path.join(dir, 'leads.csv');
    const rows = [...okDomains.map((d, i) => `"Company ${i}, Ltd",https://www.${d}/contact,x@${d}`), `Gone,${nx.domain},`];
    writeFileSync(file, `Name,Website,Email\n${rows.join('\n')}\n`);

    const run = await cli(['scan', file]);
    expect(run.code, run.stderr).toBe(1);
    const lines = run.stdout.trimEnd().split('\r\n');
    expect(lines[0]).toBe(LEAD_FIELDS.join(','));
    expect(lines.slice(1).map((l) => l.split(',')[0]).sort()).toEqual([...okDomains].sort());
    // stderr: the job line, the summary and the failed domain; no progress bar (not a TTY)
    expect(run.stderr).toMatch(new RegExp(`^job [0-9a-f-]{32,36}: ${okDomains.length + 1} domains queued from ${okDomains.length + 1} entries \\(csv column "website"\\)`));
    expect(run.stderr).toContain(`completed: ${okDomains.length} succeeded, 1 failed of ${okDomains.length + 1}`);
    expect(run.stderr).toContain(`failed ${nx.domain}: `);
    expect(run.stderr).not.toMatch(/[\u2588\u2591]|ETA/);

    const lenient = await cli(['scan', file, '--no-fail-on-errors', '--quiet']);
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toBe('');
    expect(lenient.stdout.trimEnd().split('\r\n')).toHaveLength(okDomains.length + 1);
  });

  it('stdin, one domain a line -> NDJSON into --out; JSON to stdout', async () => {
    const out = path.join(dir, 'out.ndjson');
    const run = await cli(['scan', '-', '--format', 'ndjson', '--out', out], { stdin: okDomains.slice(0, 4).join('\n') + '\n\n# comment\n' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    const leads = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(leads.map((l) => l.domain).sort()).toEqual(okDomains.slice(0, 4).sort());
    expect(Object.keys(leads[0])).toEqual([...LEAD_FIELDS]);
    const expected = clean[0].expect as Record<string, unknown>;
    const lead = leads.find((l) => l.domain === clean[0].domain) ?? (await cli(['scan', '-', '--format', 'ndjson'], { stdin: clean[0].domain }).then((r) => JSON.parse(r.stdout)));
    expect(lead.provider).toBe(expected.provider);

    const json = await cli(['scan', '-', '--format', 'json', '-q'], { stdin: okDomains[0] });
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed).toHaveLength(1);
    expect(parsed[0].domain).toBe(okDomains[0]);
  });

  it('status, results and cancel of a job; --no-wait prints the id', async () => {
    const started = await cli(['scan', '-', '--no-wait', '-q'], { stdin: okDomains.slice(0, 3).join('\n') });
    expect(started.code).toBe(0);
    const id = started.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{32,36}$/);
    await waitFor(async () => (await gql(stack.app, `query($id: ID!) { bulkScan(id: $id) { status } }`, { id })).data.bulkScan.status === 'completed', 30_000, 200);

    const [status, statusJson, results, cancel] = await Promise.all([
      cli(['status', id]),
      cli(['status', id, '--format', 'json']),
      cli(['results', id, '--format', 'json']),
      cli(['cancel', id]),
    ]);
    expect(status.stdout).toBe(`${id} completed 100% (3/3: 3 succeeded, 0 failed)\n`);
    expect(JSON.parse(statusJson.stdout)).toMatchObject({ id, status: 'completed', total: 3, succeeded: 3 });
    expect(JSON.parse(results.stdout).map((l: { domain: string }) => l.domain).sort()).toEqual(okDomains.slice(0, 3).sort());
    // cancelling a finished job changes nothing
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toContain(`${id} completed`);

    const unknown = await cli(['status', '0'.repeat(32)]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(`domain-scout: job ${'0'.repeat(32)} not found\n`);
  });

  it('without a terminal, SIGINT cancels the job on the server (exit 130)', async () => {
    let sent = false;
    const run = await cli(['scan', '-'], {
      env: { SCOUT_URL: slowUrl },
      stdin: slowCases.map((c) => c.domain).join('\n'),
      onSpawn: (pid, stderr) => {
        const timer = setInterval(() => {
          if (!sent && /^job [0-9a-f-]{32,36}/.test(stderr())) {
            sent = true;
            clearInterval(timer);
            setTimeout(() => process.kill(pid, 'SIGINT'), 1000);
          }
        }, 50);
      },
    });
    expect(run.code, run.stderr).toBe(130);
    const id = /^job ([0-9a-f-]{32,36})/.exec(run.stderr)![1];
    expect(run.stderr).toContain(`cancelled: ${id} cancelled`);
    const q = await gql(slow.app, `query($id: ID!) { bulkScan(id: $id) { status processed total } }`, { id });
    expect(q.data.bulkScan.status).toBe('cancelled');
    expect(q.data.bulkScan.processed).toBeLessThan(q.data.bulkScan.total);
  });
});

describe('clear errors', () => {
  it('an unreachable server, a refused key, a good key', async () => {
    // a port nothing listens on
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise((r) => probe.close(r));
    const [down, refused, good] = await Promise.all([
      cli(['status', 'x'], { env: { SCOUT_URL: deadUrl } }),
      cli(['scan', '-'], { env: { SCOUT_URL: keyedUrl }, stdin: okDomains[0] }),
      cli(['scan', '-', '-q', '--api-key', 'cli-secret-key-0123456789', '--url', keyedUrl, '--format', 'ndjson'], { stdin: okDomains[0] }),
    ]);
    expect(down.code).toBe(3);
    expect(down.stderr).toBe(`domain-scout: cannot reach the server at ${deadUrl}/graphql (ECONNREFUSED). Is it running? Point --url or SCOUT_URL at it.\n`);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/^domain-scout: the server refused the request \(401\): .*API key.*Pass --api-key or set SCOUT_API_KEY\.\n$/);
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout).domain).toBe(okDomains[0]);
  });

  it('bad files and bad usage exit 2 with the reason', async () => {
    const noColumn = path.join(dir, 'people.csv');
    writeFileSync(noColumn, 'name,city\nAda,London\n');
    const [missing, wrongCsv, badFormat, noArgs] = await Promise.all([
      cli(['scan', path.join(dir, 'nope.csv')]),
      cli(['scan', noColumn]),
      cli(['scan', noColumn, '--format', 'xml']),
      cli([]),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`domain-scout: cannot read ${path.join(dir, 'nope.csv')}: no such file\n`);
    expect(wrongCsv.code).toBe(2);
    expect(wrongCsv.stderr).toBe(`domain-scout: ${noColumn}: the CSV has no domain, website or email column (columns: name, city)\n`);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('--format must be one of csv, json, ndjson');
    expect(noArgs.code).toBe(2);
    expect(noArgs.stderr).toContain('Usage: domain-scout');
  });
});
