/**
 * The old UI's flows in headless Chromium, against the whole stack over HTTP, with the stand-in
 * UI of test/fixtures/mini-ui: served by the API at /mini-ui/ (same origin, API base injected)
 * and by a second static server on another port (cross-origin, allowed by SCOUT_CORS_ORIGINS).
 * Flows: ingest then scan; the KPI header; the lead table with a filter, a sort and page 2; a
 * CSV upload polled through /jobs/{id} to completed; the export download (its name read from
 * Content-Disposition, which cross-origin needs exposed).
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectApiBase } from '../src/http/mini-ui.js';
import { startSimulator, type Simulator } from '../src/sim/simulator.js';
import { createPostgresDb, type Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrations.js';
import { loadCorpus } from './helpers/corpus.js';
import { cleanupPrefix, startStack, uniquePrefix, type Stack } from './helpers/stack.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const UI_DIR = fileURLToPath(new URL('./fixtures/mini-ui', import.meta.url));
const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = `test_ui_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
const corpus = loadCorpus();
const healthy = corpus.filter((c) => !(c.expect as { failed?: boolean }).failed && !c.whois?.fault).map((c) => c.domain);

let sim: Simulator;
let stack: Stack;
let db: Db;
let api: Server;
let other: Server;
let apiBase: string;
let otherBase: string;
let browser: Browser;
const prefix = uniquePrefix('miniui');

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (.ci/run installs it with apt-get)`);
  // the second origin's port must be known before the API's CORS list is built
  other = createServer(async (req, res) => {
    const name = (req.url ?? '/').split('?')[0] === '/' ? 'index.html' : path.basename(req.url!.split('?')[0]);
    const body = await readFile(path.join(UI_DIR, name)).catch(() => null);
    if (!body) return void res.writeHead(404).end();
    // a deployment of the old UI on its own host configures the API base the same way
    if (name.endsWith('.html')) return void res.writeHead(200, { 'content-type': 'text/html' }).end(injectApiBase(body.toString(), apiBase));
    res.writeHead(200, { 'content-type': 'text/javascript' }).end(body);
  });
  otherBase = await listen(other);
  sim = await startSimulator({ cases: corpus });
  db = await createPostgresDb(POSTGRES_URL, { schema: SCHEMA });
  await migrate(db);
  stack = await startStack(sim, prefix, { db, app: { corsOrigins: [otherBase], miniUiDir: UI_DIR } });
  api = createServer(stack.app.handleNodeRequest);
  apiBase = await listen(api);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => api?.close(resolve));
  await new Promise((resolve) => other?.close(resolve));
  if (stack) await cleanupPrefix(stack.runtime, prefix);
  await stack?.close();
  await sim?.close();
  await db?.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  await db?.close();
});

const restJson = async (p: string) => (await fetch(`${apiBase}${p}`)).json() as Promise<any>;

describe('hosting', () => {
  it('/mini-ui redirects to /mini-ui/; index.html gets the API base first; modules are JavaScript', async () => {
    const redirect = await fetch(`${apiBase}/mini-ui`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/mini-ui/');
    const page = await fetch(`${apiBase}/mini-ui/`);
    const html = await page.text();
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const injected = html.indexOf(`window.HUNTER_API_BASE_URL = "${apiBase}"`);
    expect(injected).toBeGreaterThan(0);
    expect(injected).toBeLessThan(html.indexOf('<script type="module"'));
    expect((await fetch(`${apiBase}/mini-ui/app.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${apiBase}/mini-ui/..%2f..%2fpackage.json`)).status).toBe(404);
    expect((await fetch(`${apiBase}/mini-ui/missing.js`)).status).toBe(404);
  });

  it('CORS: the allowed origin may read content-disposition; another origin gets no grant', async () => {
    const allowed = await fetch(`${apiBase}/leads/export`, { headers: { origin: otherBase } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(otherBase);
    expect(allowed.headers.get('access-control-expose-headers')?.toLowerCase()).toContain('content-disposition');
    const denied = await fetch(`${apiBase}/leads/export`, { headers: { origin: 'http://127.0.0.1:1' } });
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });
});

async function runFlows(page: Page, origin: string, domains: string[]) {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  expect(await page.evaluate(() => (window as unknown as { HUNTER_API_BASE_URL: string }).HUNTER_API_BASE_URL)).toBe(apiBase);
  expect(new URL(page.url()).origin).toBe(origin);

  // ingest then scan
  await page.fill('#domain', `https://www.${domains[0]}/`);
  await page.click('#scan');
  await page.waitForFunction((d) => document.getElementById('scan-result')!.textContent!.startsWith(`${d}:`), domains[0], { timeout: 15_000 });
  // stored through the ~250 ms write buffer, with the company the ingest recorded
  await expect.poll(async () => (await restJson(`/leads/${domains[0]}`)).company_id, { timeout: 5_000 }).toEqual(expect.any(Number));

  // CSV upload, then /jobs/{id} polled to completed
  await page.setInputFiles('#csv', { name: 'leads.csv', mimeType: 'text/csv', buffer: Buffer.from(`domain,company_name\n${domains.slice(1).map((d, i) => `${d},Company ${i}`).join('\n')}\n`) });
  await page.click('#upload');
  await page.waitForFunction(() => / completed 100%$/.test(document.getElementById('upload-status')!.textContent!), undefined, { timeout: 30_000 });

  // the KPI header shows the counters (the scan is stored through a ~250 ms write buffer)
  await expect.poll(async () => {
    const kpis = await restJson('/dashboard/kpis');
    await page.click('#scan'); // a rescan of the first domain refreshes the header and the table
    await page.waitForTimeout(300);
    return Number(await page.textContent('#kpi-total')) === kpis.total_leads && kpis.total_leads >= domains.length;
  }, { timeout: 15_000 }).toBe(true);

  // the lead table: a filter
  const all = await restJson('/leads?page_size=200');
  const segment = all.leads[0].segment as string;
  await page.selectOption('#segment', segment);
  await expect.poll(async () => (await page.$$eval('#leads tbody tr td:nth-child(3)', (cells) => cells.map((c) => c.textContent))).every((s) => s === segment) && (await page.$$('#leads tbody tr')).length > 0).toBe(true);
  await page.selectOption('#segment', '');

  // a sort, then page 2
  await page.selectOption('#sort', 'domain:desc');
  const expected = await restJson('/leads?sort_by=domain&sort_order=desc&page=2&page_size=2');
  await page.click('#next');
  await expect.poll(() => page.textContent('#page-info')).toBe(`page 2 of ${expected.total_pages} (${expected.total} leads)`);
  expect(await page.$$eval('#leads tbody tr td:first-child', (cells) => cells.map((c) => c.textContent))).toEqual(expected.leads.map((l: { domain: string }) => l.domain));

  // the export download, named by Content-Disposition
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  expect(download.suggestedFilename()).toMatch(/^leads_\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}\.csv$/);
  const file = await readFile((await download.path())!);
  expect([...file.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  expect(file.toString('utf8').split('\r\n').length - 2).toBe(all.total);

  expect(await page.textContent('#error')).toBe('');
  expect(errors).toEqual([]);
}

describe('the UI flows', () => {
  it('same origin: /mini-ui/ on the API', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${apiBase}/mini-ui/`);
      await runFlows(page, apiBase, healthy.slice(0, 4));
    } finally {
      await page.close();
    }
  }, 60_000);

  it('cross-origin: the UI on another allowed origin', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${otherBase}/`);
      await runFlows(page, otherBase, healthy.slice(4, 8));
    } finally {
      await page.close();
    }
  }, 60_000);
});
