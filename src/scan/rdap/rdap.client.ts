/**
 * RDAP I/O (RFC 9082/9083): GET <base>/domain/<name>. Outcomes as data: 200 -> the JSON object,
 * 404 -> not registered. 429 and 5xx are transient ScanErrors (429 carries Retry-After).
 */
import { timeUpstream } from '../../observability/metrics.js';
import { createScanError } from '../scan.errors.js';
import { guardedFetchFor, guardedRequestOf, hostOf, type RawResponse } from './rdap.fetch.js';
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
  const upstream = hostOf(baseUrl);
  // a controller and a cleared timer rather than AbortSignal.timeout/any (see io-budget.ts)
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const release = () => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  };
  let response: RdapHttpResponse;
  try {
    // the guarded client's raw exchange when it is the one in use: no WHATWG Response per domain
    const request = guardedRequestOf(fetchImpl);
    response = request
      ? fromRaw(await request(url, { accept: ACCEPT }, controller.signal))
      : fromFetch(await fetchImpl(url, { headers: { accept: ACCEPT }, signal: controller.signal }));
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

const ACCEPT = 'application/rdap+json, application/json';

/** What readRdapResponse needs of an HTTP response, from a fetch Response or a raw exchange. */
interface RdapHttpResponse {
  status: number;
  retryAfter: string | null;
  json(): Promise<unknown>;
  /** Drop the body unread. */
  discard(): Promise<void>;
}

const fromFetch = (response: Response): RdapHttpResponse => ({
  status: response.status,
  retryAfter: response.headers.get('retry-after'),
  json: () => response.json(),
  discard: async () => {
    await response.body?.cancel();
  },
});

// fatal: false and the BOM dropped, as Response.json() decodes
const utf8 = new TextDecoder();
const fromRaw = (raw: RawResponse): RdapHttpResponse => {
  const retryAfter = raw.headers['retry-after'];
  return {
    status: raw.status,
    retryAfter: (Array.isArray(retryAfter) ? retryAfter.join(', ') : retryAfter) ?? null,
    json: async () => JSON.parse(utf8.decode(raw.body ?? new Uint8Array())) as unknown,
    discard: async () => {},
  };
};

async function readRdapResponse(response: RdapHttpResponse, upstream: string): Promise<RdapResponse> {
  if (response.status === 404) {
    await response.discard();
    return { kind: 'not_found' };
  }
  if (response.status === 429) {
    await response.discard();
    throw createScanError('rdap_throttled', `RDAP server ${upstream} is rate limiting (429)`, {
      upstream,
      retryAfterMs: parseRetryAfter(response.retryAfter),
    });
  }
  if (response.status < 200 || response.status > 299) {
    await response.discard();
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
