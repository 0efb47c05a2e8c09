/**
 * The dashboard, GraphiQL and /docs in headless Chromium against a real stack (simulator, Redis,
 * PostgreSQL, in-process worker) over real HTTP. The web app is built by vite into a temporary
 * folder first. No request may leave 127.0.0.1: everything the pages load is served locally.
 *
 * `DASHBOARD_SCREENSHOT=docs/dashboard.png npx vitest run test/dashboard.e2e.test.ts` also
 * writes the screenshot of a running job shown in the README.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { createApp, type App } from '../src/server.js';
import { generateCases } from '../src/sim/sim.cases.js';
import { startSimulator, type Simulator } from '../src/sim/simulator.js';
import { createPostgresDb, type Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrations.js';
import { loadCorpus } from './helpers/corpus.js';
import { cleanupPrefix, gql, startStack, uniquePrefix, waitFor, type Stack } from './helpers/stack.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = `dash_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
const API_KEY = 'dashboard-test-key';

const corpus = loadCorpus();
const slowCases = generateCases(corpus, 1000);

let sim: Simulator;
let db: Db;
let stack: Stack;
let webRoot: string;
let browser: Browser;
const prefix = uniquePrefix('dash');

/** One HTTP server over an app, which can be stopped and started again on the same port. */
class HttpDoor {
  server: Server;
  port = 0;
  constructor(readonly app: App) {
    this.server = createServer(app.handleNodeRequest);
  }
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return `http://127.0.0.1:${this.port}`;
  }
  /** As an API process that dies: every open stream is cut. */
  async stop(): Promise<void> {
    const closed = new Promise((resolve) => this.server.close(resolve));
    this.server.closeAllConnections();
    await closed;
    this.server = createServer(this.app.handleNodeRequest);
  }
}

let door: HttpDoor;
let keyDoor: HttpDoor;
let base: string;
let keyBase: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  webRoot = mkdtempSync(path.join(tmpdir(), 'scout-web-'));
  const build = promisify(execFile)(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--outDir', webRoot, '--emptyOutDir', '--logLevel', 'error'], {
    env: { ...process.env, NODE_ENV: 'production' },
  });
  sim = await startSimulator({ cases: corpus, extraCases: slowCases, latency: { dns: [5, 40], whois: [40, 160], rdap: [40, 160] } });
  db = await createPostgresDb(POSTGRES_URL, { schema: SCHEMA });
  await migrate(db);
  stack = await startStack(sim, prefix, { db, env: { SCOUT_CONCURRENCY: '16' }, heartbeatMs: 1000 });
  await build;
  const logger = createLogger('silent');
  door = new HttpDoor(createApp({ services: stack.runtime.services, logger, health: stack.runtime.health, webRoot }));
  keyDoor = new HttpDoor(createApp({ services: stack.runtime.services, logger, health: stack.runtime.health, webRoot, apiKeys: [{ name: 'ops', key: API_KEY }] }));
  base = await door.start();
  keyBase = await keyDoor.start();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await door?.stop().catch(() => {});
  await keyDoor?.stop().catch(() => {});
  if (stack) await cleanupPrefix(stack.runtime, prefix);
  await stack?.close();
  await sim?.close();
  await db?.close();
  const admin = await createPostgresDb(POSTGRES_URL);
  await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await admin.close();
  if (webRoot) rmSync(webRoot, { recursive: true, force: true });
});

/** Every request of a browser context, to check that none leaves 127.0.0.1. */
function recordRequests(context: BrowserContext) {
  const urls: string[] = [];
  const sse: string[] = [];
  context.on('request', (r) => {
    urls.push(r.url());
    if ((r.headers().accept ?? '').includes('text/event-stream')) sse.push(r.postData() ?? '');
  });
  return {
    urls,
    sse,
    outside: () => urls.filter((u) => /^(https?|wss?):/.test(u) && new URL(u).hostname !== '127.0.0.1'),
  };
}

async function newPage(): Promise<{ context: BrowserContext; page: Page; requests: ReturnType<typeof recordRequests> }> {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1360, height: 900 } });
  const requests = recordRequests(context);
  const page = await context.newPage();
  // every value the progress label shows, in order (the page only learns them from the subscription)
  await page.addInitScript(() => {
    const seen: string[] = ((window as unknown as { __progress: string[] }).__progress = []);
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid=progress-text]')?.textContent;
      if (text && seen[seen.length - 1] !== text) seen.push(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  return { context, page, requests };
}

const jobIdOf = (page: Page) => /#\/job\/([\w-]+)$/.exec(page.url())?.[1] ?? '';
const rowsOf = (page: Page) => page.locator('[data-testid=leads-table] tbody tr');
const text = async (page: Page, testId: string) => (await page.getByTestId(testId).textContent())?.trim() ?? '';

async function apiJob(id: string) {
  const { data } = await gql<{ bulkScan: { status: string; total: number; succeeded: number; failed: number; results: { items: { domain: string; provider: string }[] } } }>(
    stack.app,
    `query($id: ID!) { bulkScan(id: $id) { status total succeeded failed results(first: 1000) { items { domain provider } } } }`,
    { id },
  );
  return data!.bulkScan;
}

describe('the dashboard', () => {
  it('runs a job live from start to 100%, fills the table, filters it and downloads the CSV', async () => {
    const { context, page, requests } = await newPage();
    await page.goto(base);
    await expect(page.title()).resolves.toBe('domain-scout');
    // the corpus but its hanging servers (their retries would only make the wait longer)
    const domains = corpus.filter((c) => c.kind !== 'timeout').map((c) => c.domain);
    await page.locator('textarea[name=domains]').fill(['domain', ...domains, 'nan', `https://www.${domains[0]}/contact`].join('\n'));
    await expect(page.locator('.form-row .count').textContent()).resolves.toBe(`${domains.length + 2} entries`);
    await page.getByRole('button', { name: 'Scan', exact: true }).click();

    await page.getByTestId('live-job').waitFor();
    const id = jobIdOf(page);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // the rejected entry and the duplicate are reported
    await expect(text(page, 'rejected')).resolves.toMatch(new RegExp(`^${domains.length} queued, 1 duplicate dropped, 1 rejected:\\s*nan invalid_domain`));

    await page.locator('[data-testid=live-job][data-status=completed]').waitFor({ timeout: 40_000 });
    const job = await apiJob(id);
    expect(job.status).toBe('completed');
    expect(job.total).toBe(domains.length);

    // seen live: the label moved through several values, never backwards, up to 100%
    const progress = (await page.evaluate(() => (window as unknown as { __progress: string[] }).__progress)).map((p) => Number.parseInt(p, 10));
    expect(progress[0]).toBeLessThan(50);
    expect(progress.at(-1)).toBe(100);
    expect(new Set(progress).size).toBeGreaterThanOrEqual(3);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    // ... through the two subscriptions
    expect(requests.sse.some((body) => body.includes('bulkScanProgress'))).toBe(true);
    expect(requests.sse.some((body) => body.includes('bulkScanResults'))).toBe(true);

    await expect(text(page, 'processed')).resolves.toBe(`${job.total} / ${job.total}`);
    await expect(text(page, 'succeeded')).resolves.toBe(String(job.succeeded));
    await expect(text(page, 'failed')).resolves.toBe(String(job.failed));
    // the corpus has domains that fail for good: each is listed with its code
    expect(job.failed).toBeGreaterThan(0);
    await expect(page.locator('[data-testid=errors] summary').textContent()).resolves.toBe(`${job.failed} failed domain${job.failed === 1 ? '' : 's'}`);
    await expect(page.locator('[data-testid=errors] tbody tr').count()).resolves.toBe(job.failed);

    // every lead in the table, and only those
    const expected = job.results.items.map((l) => l.domain).sort();
    await waitFor(async () => (await rowsOf(page).count()) === expected.length, 5000);
    const shown = await rowsOf(page).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-domain')!));
    expect([...shown].sort()).toEqual(expected);

    // sort by score, best first
    await page.locator('th.sortable button', { hasText: 'Score' }).click();
    const scores = await rowsOf(page).evaluateAll((rows) => rows.map((r) => Number(r.querySelector('td.num b')!.textContent)));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));

    // filter on the most frequent provider
    const counts = new Map<string, number>();
    for (const l of job.results.items) counts.set(l.provider, (counts.get(l.provider) ?? 0) + 1);
    const [provider, count] = [...counts].sort((a, b) => b[1] - a[1])[0];
    expect(count).toBeLessThan(expected.length);
    await page.locator('select[name=provider]').selectOption(provider);
    await waitFor(async () => (await rowsOf(page).count()) === count, 5000);
    const providers = await rowsOf(page).evaluateAll((rows) => rows.map((r) => r.querySelector('.provider')!.textContent));
    expect(new Set(providers)).toEqual(new Set([provider]));
    await expect(text(page, 'results-count')).resolves.toBe(`${count} of ${expected.length}`);

    // the CSV: one row per lead, the REST route's header
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`scan-${id}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8');
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.domain).sort()).toEqual(expected);
    expect(rows.find((r) => r.domain === expected[0])).toBeTruthy();

    // a lead's history opens from the table
    await rowsOf(page).first().locator('button.link').click();
    await page.getByTestId('lead-panel').locator('dl.facts').waitFor();
    await page.keyboard.press('Escape');

    // job history and stored leads (with a server-side filter)
    await page.getByRole('link', { name: 'Jobs' }).click();
    await page.locator(`[data-testid=jobs-table] a[href="#/job/${id}"]`).waitFor();
    await page.getByRole('link', { name: 'Leads' }).click();
    await rowsOf(page).first().waitFor();
    await page.locator('select[name=provider]').selectOption(provider);
    await waitFor(async () => {
      const p = await rowsOf(page).evaluateAll((rows) => rows.map((r) => r.querySelector('.provider')!.textContent));
      return p.length === count && p.every((x) => x === provider);
    }, 5000);

    expect(requests.outside()).toEqual([]);
    await context.close();
  });

  it('resumes a running job after the API restarts, then cancels it', async () => {
    const { context, page, requests } = await newPage();
    await page.goto(base);
    // a few corpus domains that fail among many slow ones: errors show up while it runs
    const failing = corpus.filter((c) => c.kind === 'nxdomain' || c.kind === 'servfail').map((c) => c.domain);
    await page.locator('textarea[name=domains]').fill([...failing, ...slowCases.map((c) => c.domain)].join('\n'));
    await page.getByRole('button', { name: 'Scan', exact: true }).click();
    await page.locator('[data-testid=live-job][data-status=running]').waitFor({ timeout: 10_000 });
    const id = jobIdOf(page);
    await waitFor(async () => Number.parseInt(await text(page, 'processed'), 10) >= 20, 15_000);
    await waitFor(async () => (await rowsOf(page).count()) > 0, 5000);
    await expect(text(page, 'rate')).resolves.toMatch(/^[\d.]+\/s$/);
    if (process.env.DASHBOARD_SCREENSHOT) {
      await page.setViewportSize({ width: 1360, height: 1240 });
      await page.screenshot({ path: process.env.DASHBOARD_SCREENSHOT });
    }

    await door.stop();
    await page.locator('[data-testid=connection]', { hasText: 'reconnecting' }).waitFor({ timeout: 5000 });
    const before = Number.parseInt(await text(page, 'processed'), 10);
    await door.start();
    await page.locator('[data-testid=connection]', { hasText: 'live' }).waitFor({ timeout: 10_000 });
    await waitFor(async () => Number.parseInt(await text(page, 'processed'), 10) > before, 10_000);

    await page.getByRole('button', { name: 'Cancel job' }).click();
    await page.locator('[data-testid=live-job][data-status=cancelled]').waitFor({ timeout: 10_000 });
    await expect(text(page, 'job-status')).resolves.toBe('Cancelled');
    const job = await apiJob(id);
    expect(job.status).toBe('cancelled');
    expect(job.succeeded + job.failed).toBeLessThan(job.total);
    expect(requests.outside()).toEqual([]);
    await context.close();
  });

  it('with API keys on: the page loads without a key, asks for one and works with it', async () => {
    const { context, page, requests } = await newPage();
    await page.goto(keyBase);
    await page.getByTestId('key-needed').waitFor();
    await page.locator('input[name=apiKey]').fill(API_KEY);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('key-needed').waitFor({ state: 'detached' });
    // a job of this key: started, watched to the end, listed in its history
    await page.locator('textarea[name=domains]').fill(corpus.slice(0, 3).map((c) => c.domain).join('\n'));
    await page.getByRole('button', { name: 'Scan', exact: true }).click();
    await page.locator('[data-testid=live-job][data-status=completed]').waitFor({ timeout: 20_000 });
    const id = jobIdOf(page);
    await page.getByRole('link', { name: 'Jobs' }).click();
    await page.locator(`[data-testid=jobs-table] a[href="#/job/${id}"]`).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('domain-scout.apiKey'))).toBe(API_KEY);
    // GraphiQL on the same origin starts with that key in its headers editor
    await page.goto(`${keyBase}/graphql`);
    await page.getByText(`"${API_KEY}"`).first().waitFor({ timeout: 20_000 });
    await page.locator('.graphiql-container').first().waitFor();
    expect(requests.outside()).toEqual([]);
    await context.close();
  });
});

describe('offline pages', () => {
  it('GraphiQL renders from this server alone, with the example operations and the key header', async () => {
    const { context, page, requests } = await newPage();
    await page.goto(`${keyBase}/graphql`);
    await page.locator('.graphiql-container').first().waitFor({ timeout: 20_000 });
    await page.getByText('scanDomain(domain:').first().waitFor({ timeout: 20_000 });
    await expect(page.locator('.graphiql-tab').count()).resolves.toBe(5);
    await page.getByText('"X-API-Key"').first().waitFor();
    expect(requests.outside()).toEqual([]);
    await context.close();
  });

  it('/docs renders the OpenAPI document from this server alone', async () => {
    const { context, page, requests } = await newPage();
    await page.goto(`${base}/docs`);
    await page.locator('.swagger-ui .opblock-summary-path', { hasText: '/scan/bulk' }).first().waitFor({ timeout: 20_000 });
    await expect(page.locator('.swagger-ui .info .title').textContent()).resolves.toContain('domain-scout');
    expect(requests.urls.some((u) => u.endsWith('/openapi.json'))).toBe(true);
    expect(requests.outside()).toEqual([]);
    await context.close();
  });

  it('serves assets with their types and cache headers, and says how to build when there is no build', async () => {
    const html = await fetch(`${base}/`);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.headers.get('cache-control')).toBe('no-cache');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(await html.text())![1];
    const js = await fetch(`${base}${asset}`);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${base}/assets/nope.js`)).status).toBe(404);
    expect((await fetch(`${base}/assets/..%2F..%2Fpackage.json`)).status).toBe(404);

    const bare = createApp({ services: stack.runtime.services, logger: createLogger('silent'), webRoot: path.join(webRoot, 'missing') });
    const missing = await bare.fetch(new Request('http://test/'));
    expect(missing.status).toBe(503);
    expect(await missing.text()).toContain('npm run build');
    expect(existsSync(path.join(webRoot, 'index.html'))).toBe(true);
  });
});
