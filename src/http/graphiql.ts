/**
 * GraphiQL served whole from this process (@graphql-yoga/render-graphiql bundles its scripts,
 * styles and editor workers into the page: no CDN, works offline), opened with example
 * operations, and with the `X-API-Key` header ready in the headers editor when keys are on (the
 * key the dashboard stored in this browser, else a placeholder).
 */
import type { GraphiQLOptions } from 'graphql-yoga';

const SCAN = `# Scan one domain now (a URL or an e-mail address works too)
mutation ScanDomain {
  scanDomain(domain: "https://www.hazarvertex.fr/contact") {
    domain provider tenantSize mailGateway spf dkim dmarcPolicy
    score segment priorityCategory priorityLabel registrar expiresAt tags
  }
}
`;

const START = `# Queue a bulk scan; copy job.id into the other tabs' variables
mutation StartBulkScan($domains: [String!]!) {
  startBulkScan(domains: $domains) {
    total duplicates
    rejected { input error }
    job { id status total createdAt }
  }
}
`;

const PROGRESS = `# Live progress: the snapshot at once, then every change, until the job ends
subscription Progress($id: ID!) {
  bulkScanProgress(id: $id) {
    status progress processed total succeeded failed etaSeconds
  }
}
`;

const RESULTS = `# A job's status, errors and finished leads (paged)
query Results($id: ID!) {
  bulkScan(id: $id) {
    status progress total succeeded failed
    errors { domain code category attempts message }
    results(first: 100) {
      items { domain provider segment score priorityCategory tags }
      endCursor hasNextPage
    }
  }
}
`;

const LEADS = `# Stored leads, best score first, filtered
query Leads {
  leads(filter: { segment: Migration, minScore: 50 }, first: 20) {
    items { domain provider segment score priorityCategory priorityLabel tags scannedAt }
    endCursor hasNextPage
  }
}
`;

const JOB = JSON.stringify({ id: 'paste-the-job-id-here' }, null, 2);

export function graphiqlOptions({ keysConfigured }: { keysConfigured: boolean }): GraphiQLOptions {
  const headers = keysConfigured ? `{\n  "X-API-Key": ${KEY_PLACEHOLDER}\n}` : undefined;
  const tab = (query: string, variables?: string) => ({ query, variables: variables ?? null, headers: headers ?? null });
  return {
    title: 'domain-scout GraphiQL',
    defaultQuery: SCAN,
    defaultTabs: [
      tab(SCAN),
      tab(START, JSON.stringify({ domains: ['hazarvertex.fr', 'ozan-derin62.com', 'info@lale-fener.eu'] }, null, 2)),
      tab(PROGRESS, JOB),
      tab(RESULTS, JOB),
      tab(LEADS),
    ],
    ...(headers ? { headers, defaultEditorToolsVisibility: 'headers' as const, shouldPersistHeaders: true } : {}),
  };
}

/**
 * Before GraphiQL starts: the key the dashboard stored in this browser replaces the placeholder
 * in the headers (same origin, so the same localStorage). Plain ES5, inlined in the page.
 */
const KEY_PLACEHOLDER = '"your-key"';
const STORED_KEY_SHIM = `(function () {
  var key; try { key = localStorage.getItem('domain-scout.apiKey'); } catch (e) {}
  if (!key || !window.YogaGraphiQL) return;
  var render = YogaGraphiQL.renderYogaGraphiQL;
  var fill = function (h) { return typeof h === 'string' ? h.split(${JSON.stringify(KEY_PLACEHOLDER)}).join(JSON.stringify(key)) : h; };
  YogaGraphiQL.renderYogaGraphiQL = function (root, options) {
    if (options) { options.headers = fill(options.headers); (options.defaultTabs || []).forEach(function (t) { t.headers = fill(t.headers); }); }
    return render(root, options);
  };
})();
`;
const RENDER_CALL = 'YogaGraphiQL.renderYogaGraphiQL(';

function withStoredKey(page: string): string {
  const at = page.lastIndexOf(RENDER_CALL);
  return at < 0 ? page : page.slice(0, at) + STORED_KEY_SHIM + page.slice(at);
}

/**
 * The bundled page is ~9 MB of inlined scripts: its module is loaded on the first visit (it
 * costs ~50 MB of RSS, which a process nobody opens GraphiQL on should not carry), and the page
 * is rendered once per distinct option set, not on every visit.
 */
const rendered = new Map<string, string>();
export async function renderGraphiQL(options?: GraphiQLOptions): Promise<string> {
  const key = JSON.stringify(options ?? {});
  let page = rendered.get(key);
  if (page === undefined) {
    const { renderGraphiQL: renderBundled } = await import('@graphql-yoga/render-graphiql');
    page = withStoredKey(renderBundled(options));
    if (rendered.size > 8) rendered.clear();
    rendered.set(key, page);
  }
  return page;
}
