/**
 * Registration facts (domain-model §4): RDAP first where the TLD has a service, port-43 WHOIS
 * for the rest and as fallback. Every query passes the rate gate of its server; throttle
 * replies are reported to the gate (backoff on that server) and raised as transient errors.
 */
import type { ScanConfig } from '../config.js';
import { BudgetExhaustedError, type IoBudget } from './io-budget.js';
import { MAX_UPSTREAM_WAIT_MS, whoisUpstream, type QueryGate } from './rate-gate.js';
import type { RdapBootstrap } from './rdap/rdap.bootstrap.js';
import { fetchRdapDomain } from './rdap/rdap.client.js';
import { guardedFetchTrusting, hostOf } from './rdap/rdap.fetch.js';
import { parseRdapDomain } from './rdap/rdap.parse.js';
import { createScanError, ScanError, toScanError } from './scan.errors.js';
import type { RegistrationInfo } from './scan.types.js';
import { queryWhois } from './whois/whois.client.js';
import { classifyWhoisReply } from './whois/whois.parse.js';
import { resolveWhoisServer } from './whois/whois.servers.js';

export type RegistrationResult = { kind: 'registered'; info: RegistrationInfo } | { kind: 'not_registered'; source: 'rdap' | 'whois' };

export interface RegistrationDeps {
  config: ScanConfig;
  gate: QueryGate;
  bootstrap: RdapBootstrap;
  /**
   * RDAP HTTP client. Default: the SSRF-guarded fetch that trusts the origin of SCOUT_RDAP_URL
   * only; servers named by the bootstrap file and redirects elsewhere must be https on public
   * addresses (rdap.fetch.ts).
   */
  fetchImpl?: typeof fetch;
}

interface WhoisTarget {
  host: string;
  port: number;
  query: string;
  /** Found by the service (table, IANA referral), not configured: port 43 of a public address only. */
  publicOnly: boolean;
}

/** On the last chance, a WHOIS server paused for longer than this is not waited for. */
const LAST_CHANCE_MAX_PAUSE_MS = 1000;

const serverOf = (target: WhoisTarget) => `${target.host}:${target.port}`;

/** Registry-specific query syntax: DENIC answers only with `-T dn,ace`, JPRS in English with `/e`. */
function whoisQueryFor(domain: string, publicSuffix: string): string {
  const tld = publicSuffix.split('.').pop();
  if (tld === 'de') return `-T dn,ace ${domain}`;
  if (tld === 'jp') return `${domain}/e`;
  return domain;
}

async function findWhoisTarget(domain: string, publicSuffix: string, deps: RegistrationDeps): Promise<WhoisTarget | undefined> {
  const configured = deps.config.whoisServer;
  if (configured) {
    const split = configured.lastIndexOf(':');
    return { host: configured.slice(0, split).replace(/^\[|\]$/g, ''), port: Number(configured.slice(split + 1)), query: domain, publicOnly: false };
  }
  const host = await resolveWhoisServer(publicSuffix, Math.min(deps.config.whoisTimeoutMs, 3000));
  return host ? { host, port: 43, query: whoisQueryFor(domain, publicSuffix), publicOnly: true } : undefined;
}

function rdapBaseFor(publicSuffix: string, deps: RegistrationDeps): string | undefined {
  if (deps.config.rdap === 'off') return undefined;
  if (deps.config.rdapUrl) return deps.config.rdapUrl;
  return deps.bootstrap.baseUrlFor(publicSuffix);
}

function budgetError(error: unknown, what: string, upstream: string): ScanError {
  if (error instanceof BudgetExhaustedError) {
    return createScanError('whois_timeout', `${what} ${upstream}: WHOIS ${error.message}`, { cause: error, upstream });
  }
  return toScanError(error);
}

/** A spent budget fails before the gate: waiting out a rate-limit pause first would be for nothing. */
function assertBudgetLeft(budget: IoBudget, what: string, upstream: string) {
  try {
    budget.throwIfExhausted();
  } catch (error) {
    throw budgetError(error, what, upstream);
  }
}

async function viaRdap(domain: string, baseUrl: string, deps: RegistrationDeps, budget: IoBudget, timeoutMs: number, signal?: AbortSignal): Promise<RegistrationResult> {
  const upstream = whoisUpstream(hostOf(baseUrl));
  assertBudgetLeft(budget, 'RDAP server', upstream);
  // a Retry-After longer than any domain should wait: this attempt counts as throttled at once
  const pausedMs = deps.gate.pausedForMs(upstream);
  if (pausedMs > MAX_UPSTREAM_WAIT_MS) {
    throw createScanError('rdap_throttled', `RDAP server ${upstream} asked us to wait ${Math.ceil(pausedMs / 1000)} s (Retry-After)`, { upstream });
  }
  await deps.gate.acquire(upstream, signal);
  try {
    const response = await budget.spend((stepSignal) =>
      fetchRdapDomain({ baseUrl, domain, timeoutMs, signal: stepSignal, fetchImpl: deps.fetchImpl ?? guardedFetchTrusting(deps.config.rdapUrl) }),
    );
    deps.gate.reportSuccess(upstream);
    if (response.kind === 'not_found') return { kind: 'not_registered', source: 'rdap' };
    return { kind: 'registered', info: { ...parseRdapDomain(response.body), whois_source: 'rdap' } };
  } catch (error) {
    const scanError = budgetError(error, 'RDAP server', upstream);
    if (scanError.code === 'rdap_throttled') deps.gate.reportRateLimited(upstream, scanError.retryAfterMs);
    throw scanError;
  }
}

async function viaWhois(domain: string, target: WhoisTarget, deps: RegistrationDeps, budget: IoBudget, signal?: AbortSignal): Promise<RegistrationResult> {
  const server = serverOf(target);
  const upstream = whoisUpstream(server);
  assertBudgetLeft(budget, 'WHOIS server', server);
  await deps.gate.acquire(upstream, signal);
  let raw: string;
  try {
    raw = await budget.spend((stepSignal) =>
      queryWhois({ ...target, timeoutMs: Math.ceil(budget.remainingMs), signal: stepSignal }),
    );
  } catch (error) {
    const scanError = budgetError(error, 'WHOIS server', server);
    // a reset connection is how some registries throttle
    if (scanError.code === 'whois_connection_error') deps.gate.reportRateLimited(upstream);
    throw scanError;
  }
  const reply = classifyWhoisReply(domain, raw);
  if (reply.kind === 'throttled') {
    deps.gate.reportRateLimited(upstream);
    throw createScanError(
      raw.trim() === '' ? 'whois_empty_reply' : 'whois_throttled',
      raw.trim() === '' ? `WHOIS server ${server} sent an empty reply (rate limit)` : `WHOIS server ${server} is rate limiting: ${raw.trim().slice(0, 120)}`,
      { upstream },
    );
  }
  deps.gate.reportSuccess(upstream);
  if (reply.kind === 'not_found') return { kind: 'not_registered', source: 'whois' };
  return { kind: 'registered', info: { ...reply.registration, whois_source: 'whois' } };
}

export interface LookupOptions {
  signal?: AbortSignal;
  /**
   * The domain's last attempt: an RDAP rate-limit reply falls back to WHOIS too, unless the
   * WHOIS server is itself in a rate-limit pause of more than a second (the lead is then kept
   * as whois_failed rather than held for the pause). Before that, a 429 is retried on RDAP
   * after the backoff (domain-model §4: "back off on that server, then retry"): RDAP and port
   * 43 are mostly the same registry with one rate limit, and asking its WHOIS right after its
   * RDAP said "slow down" only doubles the load on it.
   */
  lastChance?: boolean;
}

/**
 * Look up registration facts within `budget` (WHOIS/RDAP I/O time). RDAP gets most of the
 * budget when a WHOIS fallback exists; an RDAP failure (timeout, 5xx, reset) falls back to
 * WHOIS at once, a rate-limit reply only on the last chance. Throws transient ScanErrors;
 * "not registered" is data.
 */
export async function lookupRegistration(
  domain: string,
  publicSuffix: string,
  deps: RegistrationDeps,
  budget: IoBudget,
  { signal, lastChance = true }: LookupOptions = {},
): Promise<RegistrationResult> {
  const rdapBase = rdapBaseFor(publicSuffix, deps);
  let rdapError: ScanError | undefined;
  if (rdapBase) {
    // leave the WHOIS fallback 40% of the budget: an RDAP server that hangs must not eat it all
    const rdapTimeout = Math.max(1, Math.floor(budget.remainingMs * 0.6));
    try {
      return await viaRdap(domain, rdapBase, deps, budget, rdapTimeout, signal);
    } catch (error) {
      rdapError = toScanError(error);
      if (signal?.aborted) throw rdapError;
      if (rdapError.code === 'rdap_throttled' && !lastChance) throw rdapError;
    }
  }
  const target = await findWhoisTarget(domain, publicSuffix, deps);
  if (!target) {
    throw rdapError ?? createScanError('whois_connection_error', `no WHOIS or RDAP server known for .${publicSuffix}`);
  }
  if (rdapError?.code === 'rdap_throttled') {
    // the last chance after RDAP throttled us: a WHOIS server that is paused itself is not waited for
    const whoisPausedMs = deps.gate.pausedForMs(whoisUpstream(serverOf(target)));
    if (whoisPausedMs > LAST_CHANCE_MAX_PAUSE_MS) throw rdapError;
  }
  return viaWhois(domain, target, deps, budget, signal);
}
