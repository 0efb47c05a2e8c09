/** The shell: header with navigation and the API-key field, hash routes, error toasts. */
import { html } from 'htm/preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, request, storedKey, storeKey } from './api.js';
import { ShellContext, type Shell } from './context.js';
import { JobsView } from './jobs-view.js';
import { LeadPanel } from './lead-panel.js';
import { LeadsView } from './leads-view.js';
import { PING } from './operations.js';
import { LiveJobView, ScanForm, type StartNotice } from './scan-view.js';

type Route = { page: 'scan'; jobId: string | null } | { page: 'jobs' } | { page: 'leads' };

function parseRoute(hash: string): Route {
  const job = /^#\/job\/([\w-]+)$/.exec(hash);
  if (job) return { page: 'scan', jobId: job[1] };
  if (hash === '#/jobs') return { page: 'jobs' };
  if (hash === '#/leads') return { page: 'leads' };
  return { page: 'scan', jobId: null };
}

interface Toast {
  id: number;
  text: string;
}

export function App() {
  const [route, setRoute] = useState(parseRoute(location.hash));
  const [key, setKey] = useState(storedKey());
  const [draftKey, setDraftKey] = useState(key);
  const [needsKey, setNeedsKey] = useState(false);
  const [showKey, setShowKey] = useState(!!key);
  const [generation, setGeneration] = useState(0);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [lead, setLead] = useState<string | null>(null);
  const [notice, setNotice] = useState<StartNotice | null>(null);

  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  const reportError = useCallback((error: ApiError | Error) => {
    if (error instanceof ApiError && error.kind === 'unauthorized') {
      setNeedsKey(true);
      setShowKey(true);
    }
    const toast = { id: Math.random(), text: error.message };
    setToasts((t) => [...t.filter((x) => x.text !== toast.text).slice(-3), toast]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== toast.id)), 8000);
  }, []);
  const shell = useMemo<Shell>(() => ({ reportError, openLead: setLead }), [reportError]);

  // does this server want a key (and is the one we have right)?
  useEffect(() => {
    request(PING)
      .then(() => setNeedsKey(false))
      .catch((error: ApiError) => {
        if (error.kind === 'unauthorized') {
          setNeedsKey(true);
          setShowKey(true);
        }
      });
  }, [key]);

  function saveKey(event: Event) {
    event.preventDefault();
    storeKey(draftKey.trim());
    setKey(draftKey.trim());
    setToasts([]);
    setGeneration((g) => g + 1);
  }

  const tab = (href: string, label: string, active: boolean) => html`<a href=${href} class=${active ? 'active' : ''} aria-current=${active ? 'page' : undefined}>${label}</a>`;
  return html`
    <${ShellContext.Provider} value=${shell}>
      <header class="top">
        <div class="brand"><span class="dot"></span>domain-scout</div>
        <nav>
          ${tab('#/', 'Scan', route.page === 'scan')}
          ${tab('#/jobs', 'Jobs', route.page === 'jobs')}
          ${tab('#/leads', 'Leads', route.page === 'leads')}
          <a href="/graphql" target="_blank" rel="noopener">GraphiQL</a>
          <a href="/docs" target="_blank" rel="noopener">REST API</a>
        </nav>
        ${showKey
          ? html`<form class=${`key${needsKey ? ' needed' : ''}`} onSubmit=${saveKey}>
              <label>API key <input name="apiKey" type="password" autocomplete="off" placeholder=${needsKey ? 'required by this server' : 'X-API-Key'} value=${draftKey} onInput=${(e: Event) => setDraftKey((e.currentTarget as HTMLInputElement).value)} /></label>
              <button type="submit">Save</button>
            </form>`
          : html`<button type="button" class="ghost key-toggle" onClick=${() => setShowKey(true)}>API key</button>`}
      </header>
      ${needsKey ? html`<div class="banner" data-testid="key-needed">${key ? 'The API key was refused. Enter a valid key above.' : 'This server needs an API key: enter it above (it is kept in this browser).'}</div>` : ''}
      <main key=${generation}>
        ${route.page === 'scan'
          ? html`<${ScanForm} onStarted=${(n: StartNotice) => { setNotice(n); location.hash = `#/job/${n.jobId}`; }} />
              ${route.jobId ? html`<${LiveJobView} key=${route.jobId} id=${route.jobId} notice=${notice} />` : ''}`
          : route.page === 'jobs'
            ? html`<${JobsView} />`
            : html`<${LeadsView} />`}
      </main>
      ${lead ? html`<${LeadPanel} domain=${lead} onClose=${() => setLead(null)} />` : ''}
      <div class="toasts" aria-live="polite">${toasts.map((t) => html`<div class="toast" role="alert" key=${t.id}>${t.text}<button type="button" aria-label="Dismiss" onClick=${() => setToasts((all) => all.filter((x) => x.id !== t.id))}>✕</button></div>`)}</div>
    <//>`;
}
