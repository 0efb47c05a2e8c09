/**
 * The HTTP client of RDAP and of the bootstrap file: a `fetch` that holds against SSRF.
 *
 * - Origins the operator configured (SCOUT_RDAP_URL, SCOUT_RDAP_BOOTSTRAP_URL) are trusted as
 *   given: any scheme, any address (the simulator on 127.0.0.1 is one).
 * - Every other URL (an RDAP server named by the bootstrap file, a redirect to another origin)
 *   must be https and reach public addresses only: an IP literal is checked before connecting,
 *   a name at connect time on the addresses it resolves to (public-lookup), so a refused
 *   target never sees a packet and DNS rebinding cannot bypass the check.
 * - At most `maxRedirects` redirects (3); a redirect is followed only to a URL that passes the
 *   rules above. The body is read to at most `maxBytes` (1 MiB), the whole exchange (redirects
 *   included) under the caller's AbortSignal (its deadline).
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { assertPublicHost, BlockedAddressError, createPublicLookup, type ResolveAll } from '../net/public-lookup.js';

export const RDAP_MAX_REDIRECTS = 3;
export const RDAP_MAX_BYTES = 1 << 20;

export interface GuardedFetchOptions {
  /** Origins (`new URL(x).origin`) configured by the operator, trusted as given. */
  trustedOrigins?: readonly string[];
  /** Redirects followed at most (default 3). */
  maxRedirects?: number;
  /** Largest body read (bytes, default 1 MiB); a larger one fails the request. */
  maxBytes?: number;
  /** Name resolution for untrusted targets (tests resolve names without DNS). */
  resolveAll?: ResolveAll;
}

/** A request refused by the SSRF rules, or a response over the size cap. */
export class OutboundRefusedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OutboundRefusedError';
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NO_BODY = new Set([101, 204, 205, 304]);

/** One exchange as read off the socket: no WHATWG Headers/Response/stream made for it. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The whole body; null for a status that has none (204, 304, ...) or a redirect. */
  body: Buffer | null;
  location?: string;
}

/** The guarded GET without the `fetch` wrapping: the same rules, redirects and caps. */
export type GuardedRequest = (url: string | URL, headers: Record<string, string>, signal?: AbortSignal) => Promise<RawResponse>;

// the raw request behind each guarded fetch, so a caller on the hot path (RDAP, once per
// domain) can skip building a WHATWG Response; any other fetch goes through `fetch` as given
const rawRequests = new WeakMap<typeof fetch, GuardedRequest>();

/** The raw request behind a fetch made by {@link createGuardedFetch}, or undefined for any other fetch. */
export const guardedRequestOf = (fetchImpl: typeof fetch): GuardedRequest | undefined => rawRequests.get(fetchImpl);

/** The origin of a configured URL, or nothing when unset or malformed. */
export const originOf = (url: string | undefined): string[] => {
  if (!url) return [];
  try {
    return [new URL(url).origin];
  } catch {
    return [];
  }
};

export function createGuardedFetch(options: GuardedFetchOptions = {}): typeof fetch {
  const trusted = new Set(options.trustedOrigins ?? []);
  const maxRedirects = options.maxRedirects ?? RDAP_MAX_REDIRECTS;
  const maxBytes = options.maxBytes ?? RDAP_MAX_BYTES;
  const publicLookup = createPublicLookup(options.resolveAll);
  const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

  /** Throws unless an untrusted URL may be requested. */
  function checkUntrusted(url: URL) {
    if (url.protocol !== 'https:') throw new OutboundRefusedError(`${url.protocol}//${url.host}: only https is allowed outside the configured servers`);
    try {
      assertPublicHost(url.hostname);
    } catch (error) {
      throw new OutboundRefusedError((error as Error).message, { cause: error });
    }
  }

  function requestOnce(url: URL, headers: Record<string, string>, signal: AbortSignal | undefined, lookup: LookupFunction | undefined): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const transport = url.protocol === 'https:' ? https : http;
      const agent = url.protocol === 'https:' ? agents['https:'] : agents['http:'];
      const req = transport.request(url, { method: 'GET', headers, agent, ...(lookup ? { lookup } : {}) }, (res) => {
        const status = res.statusCode ?? 0;
        const responseHeaders = res.headers;
        if (REDIRECTS.has(status) && res.headers.location) {
          res.resume();
          return resolve({ status, headers: responseHeaders, body: null, location: res.headers.location });
        }
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          req.destroy();
          return reject(new OutboundRefusedError(`response of ${url.host} is ${declared} bytes, over the ${maxBytes}-byte cap`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            req.destroy();
            reject(new OutboundRefusedError(`response of ${url.host} is over the ${maxBytes}-byte cap`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ status, headers: responseHeaders, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      const onAbort = () => req.destroy(signal!.reason instanceof Error ? signal!.reason : new Error('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('close', () => signal?.removeEventListener('abort', onAbort));
      req.on('error', (error) => {
        if (error instanceof BlockedAddressError) reject(new OutboundRefusedError(error.message, { cause: error }));
        else reject(error);
      });
      req.end();
    });
  }

  const request: GuardedRequest = async (input, headers, signal) => {
    let url = new URL(input);
    for (let redirects = 0; ; redirects++) {
      const isTrusted = trusted.has(url.origin);
      if (!isTrusted) checkUntrusted(url);
      const raw = await requestOnce(url, headers, signal ?? undefined, isTrusted ? undefined : publicLookup);
      if (raw.location !== undefined) {
        if (redirects >= maxRedirects) throw new OutboundRefusedError(`${url.host}: more than ${maxRedirects} redirects`);
        let next: URL;
        try {
          next = new URL(raw.location, url);
        } catch {
          throw new OutboundRefusedError(`${url.host}: malformed redirect location`);
        }
        url = next;
        continue;
      }
      if (raw.status < 200 || raw.status > 599) throw new OutboundRefusedError(`${url.host}: unexpected HTTP status ${raw.status}`);
      return NO_BODY.has(raw.status) ? { ...raw, body: null } : raw;
    }
  };

  const guardedFetch = (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => (headers[name] = value));
    const raw = await request(input instanceof Request ? input.url : String(input), headers, init?.signal ?? undefined);
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(raw.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) responseHeaders.append(name, v);
    }
    return new Response(raw.body ? new Uint8Array(raw.body) : null, { status: raw.status, headers: responseHeaders });
  }) as typeof fetch;
  rawRequests.set(guardedFetch, request);
  return guardedFetch;
}

const shared = new Map<string, typeof fetch>();
const byConfiguredUrl = new Map<string | undefined, typeof fetch>();

/** `guardedFetchFor(originOf(url))`, remembered per URL: asked once per domain (RDAP). */
export function guardedFetchTrusting(url: string | undefined): typeof fetch {
  let f = byConfiguredUrl.get(url);
  if (!f) byConfiguredUrl.set(url, (f = guardedFetchFor(originOf(url))));
  return f;
}

const hosts = new Map<string, string>();

/** `new URL(url).host`, remembered (RDAP base URLs: a few hundred at most); throws like `new URL`. */
export function hostOf(url: string): string {
  let host = hosts.get(url);
  if (host === undefined) {
    host = new URL(url).host;
    if (hosts.size >= 1000) hosts.clear();
    hosts.set(url, host);
  }
  return host;
}

/** One guarded fetch (and its keep-alive agents) per set of trusted origins, for the process. */
export function guardedFetchFor(trustedOrigins: readonly string[]): typeof fetch {
  const key = [...trustedOrigins].sort().join(' ');
  let f = shared.get(key);
  if (!f) shared.set(key, (f = createGuardedFetch({ trustedOrigins })));
  return f;
}
