/**
 * RDAP I/O (RFC 9082/9083): GET <base>/domain/<name>. Outcomes as data: 200 -> the JSON object,
 * 404 -> not registered. 429 and 5xx are transient ScanErrors (429 carries Retry-After).
 */
import { timeUpstream } from '../../observability/metrics.js';
import { createScanError } from '../scan.errors.js';
import { guardedFetchFor } from './rdap.fetch.js';
import { parseRetryAfter } from './rdap.parse.js';

export type RdapResponse = { kind: 'found'; body: unknown } | { kind: 'not_found' };

export interface RdapQueryOptions {
  baseUrl: string;
  domain: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Default: the SSRF-guarded fetch trusting no origin (https, public addresses, 3 redirects, 1 MiB). */
  fetchImpl?: typeof fetch;
}

export function fetchRdapDomain(options: RdapQueryOptions): Promise<RdapResponse> {
  return timeUpstream('rdap', () => requestRdapDomain(options));
}

async function requestRdapDomain(options: RdapQueryOptions): Promise<RdapResponse> {
  const { baseUrl, domain, timeoutMs, signal, fetchImpl = guardedFetchFor([]) } = options;
  const url = `${baseUrl}/domain/${encodeURIComponent(domain)}`;
  const upstream = new URL(baseUrl).host;
  // a controller and a cleared timer rather than AbortSignal.timeout/any (see io-budget.ts)
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const release = () => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  };
  let response: Response;
  try {
    response = await fetchImpl(url, { headers: { accept: 'application/rdap+json, application/json' }, signal: controller.signal });
  } catch (error) {
    release();
    const aborted = controller.signal.aborted;
    throw createScanError(
      aborted ? 'whois_timeout' : 'rdap_error',
      aborted ? `RDAP server ${upstream} did not answer within ${timeoutMs} ms` : `RDAP request to ${upstream} failed: ${(error as Error)?.message}`,
      { cause: error, upstream },
    );
  }
  try {
    return await readRdapResponse(response, upstream);
  } finally {
    release();
  }
}

async function readRdapResponse(response: Response, upstream: string): Promise<RdapResponse> {
  if (response.status === 404) {
    await response.body?.cancel();
    return { kind: 'not_found' };
  }
  if (response.status === 429) {
    await response.body?.cancel();
    throw createScanError('rdap_throttled', `RDAP server ${upstream} is rate limiting (429)`, {
      upstream,
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
    });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw createScanError(
      response.status >= 500 ? 'rdap_server_error' : 'rdap_error',
      `RDAP server ${upstream} answered HTTP ${response.status}`,
      { upstream },
    );
  }
  try {
    return { kind: 'found', body: await response.json() };
  } catch (error) {
    throw createScanError('rdap_error', `RDAP server ${upstream} sent invalid JSON`, { cause: error, upstream });
  }
}
