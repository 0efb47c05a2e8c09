/**
 * One domain scanned end to end: DNS signals -> classification, registration (RDAP/WHOIS) in
 * parallel once the MX answer shows the domain exists, then scoring. One call is one attempt;
 * retries are the caller's (`scanWithRetries` in-process, BullMQ attempts in workers), with the
 * stages that already succeeded handed back in `ScanError.partial` so a retry does not repeat
 * their queries.
 */
import { getPublicSuffix } from 'tldts';
import type { ScanConfig } from '../config.js';
import { classifyProvider, sortMx } from './classify.js';
import { probeDkim } from './dkim.js';
import { pickDmarcRecord, parseDmarc } from './dmarc.js';
import { createDnsLookup, type DnsAnswer } from './dns/dns.client.js';
import { DnsAnswers, memoizeDnsLookup, type DnsAnswerMemo } from './dns/dns.memo.js';
import { createIoBudget, type ChargeableBudget, type IoBudget } from './io-budget.js';
import { MAX_UPSTREAM_WAIT_MS, type QueryGate } from './rate-gate.js';
import type { RdapBootstrap } from './rdap/rdap.bootstrap.js';
import { lookupRegistration, type RegistrationResult } from './registration.js';
import { createScanError, ScanError, toScanError } from './scan.errors.js';
import type { Classification, DnsSignals, Lead, RegistrationInfo } from './scan.types.js';
import { scoreLead } from './score.js';
import { parseSpf, pickSpfRecords } from './spf.js';

export interface ScanDeps {
  config: ScanConfig;
  gate: QueryGate;
  bootstrap: RdapBootstrap;
  now?: () => Date;
  fetchImpl?: typeof fetch;
}

/** What the DNS stage found; JSON-serialisable so a retry can reuse it. */
export interface DnsStageResult {
  signals: DnsSignals;
  classification: Classification;
}

/** Stages finished by earlier attempts of the same domain. */
export interface ScanPartial {
  dns?: DnsStageResult;
  /** While the DNS stage is unfinished: the answers it already has. */
  dnsAnswers?: DnsAnswerMemo;
  registration?: RegistrationResult;
}

/**
 * The hard time budgets of one domain, over all its attempts (domain-model §6: "per domain 15 s
 * in all = DNS 10 s + WHOIS 5 s"), counted in upstream I/O time. A retry spends what is left,
 * so a domain whose WHOIS server hangs costs 5 s of WHOIS time, not 5 s per attempt.
 */
export interface ScanBudgets {
  domain: ChargeableBudget & IoBudget;
  dns: ChargeableBudget & IoBudget;
  whois: ChargeableBudget & IoBudget;
}

export function createScanBudgets(config: ScanConfig, signal?: AbortSignal): ScanBudgets {
  const domain = createIoBudget(config.domainTimeoutMs, signal);
  return {
    domain,
    dns: createIoBudget(config.dnsTimeoutMs, signal, domain),
    whois: createIoBudget(config.whoisTimeoutMs, signal, domain),
  };
}

export interface ScanAttemptOptions {
  /** Aborts the attempt (job cancelled or timed out). */
  signal?: AbortSignal;
  /** On the last attempt a WHOIS failure no longer fails the domain: the lead is kept as `whois_failed`. */
  finalAttempt: boolean;
  partial?: ScanPartial;
  /** The domain's budgets, shared by its attempts; fresh ones when absent. */
  budgets?: ScanBudgets;
}

export interface ScanAttemptResult {
  lead: Lead;
  /** The WHOIS/RDAP error of a `whois_failed` lead, to be recorded in the error log. */
  whoisError?: ScanError;
}

/** A ScanError carrying the stages an attempt finished, for the next attempt. */
export type ScanErrorWithPartial = ScanError & { partial?: ScanPartial };

const EMPTY_REGISTRATION: RegistrationInfo = {
  registrar: null,
  created_at: null,
  expires_at: null,
  nameservers: null,
  whois_source: null,
};

const records = <T>(answer: DnsAnswer<T>): T[] => (answer.kind === 'records' ? answer.records : []);

async function runDnsStage(domain: string, deps: ScanDeps, signal: AbortSignal | undefined, budget: IoBudget, answers: DnsAnswers, onDomainExists: () => void) {
  const lookup = createDnsLookup({
    servers: deps.config.dnsServers,
    queryTimeoutMs: deps.config.dnsQueryTimeoutMs,
    gate: deps.gate,
    budget,
    signal,
  });
  const dns = memoizeDnsLookup(lookup, answers);
  const mxAnswer = await dns.queryMx(domain);
  if (mxAnswer.kind === 'nxdomain') {
    throw createScanError('domain_not_found', `${domain} does not exist in DNS (NXDOMAIN)`);
  }
  onDomainExists();
  const [txtAnswer, dmarcAnswer] = await Promise.all([dns.queryTxt(domain), dns.queryTxt(`_dmarc.${domain}`)]);
  const txt = records(txtAnswer);
  const spfRecords = pickSpfRecords(txt);
  const spf = spfRecords.length > 0 ? parseSpf(spfRecords[0]) : null;
  const dmarcRaw = pickDmarcRecord(records(dmarcAnswer));
  const mx = records(mxAnswer);
  const classification = classifyProvider(mx, spf?.includes ?? []);
  const dkimSelector = await probeDkim(
    domain,
    { provider: classification.provider, mailGateway: classification.mail_gateway, spfIncludes: spf?.includes ?? [] },
    deps.config.dkimSelectors,
    dns,
  );
  const joined = txt.map((strings) => strings.join(''));
  const signals: DnsSignals = {
    mx,
    spf,
    spfRecordCount: spfRecords.length,
    dmarc: dmarcRaw ? parseDmarc(dmarcRaw) : null,
    dkimSelector,
    nameservers: [],
    msVerification: joined.some((t) => /^MS=ms\d+/i.test(t)),
    googleVerification: joined.some((t) => t.startsWith('google-site-verification=')),
  };
  return { signals, classification } satisfies DnsStageResult;
}

/** Build the lead from the finished stages. Pure. */
export function assembleLead(domain: string, dns: DnsStageResult, registration: RegistrationInfo, whoisFailed: boolean, now: Date): Lead {
  const { signals, classification } = dns;
  const mx = sortMx(signals.mx);
  const score = scoreLead({
    provider: classification.provider,
    mailGateway: classification.mail_gateway,
    hasMx: mx.length > 0,
    spf: signals.spf,
    dkim: signals.dkimSelector !== null,
    dmarc: signals.dmarc,
    expiresAt: registration.expires_at,
    now,
  });
  // one literal in the contract's field order (LEAD_FIELDS: readable JSON, stable CSV), with
  // the same shape for every lead: no intermediate copy, and JSON.stringify's fast path
  return {
    domain,
    score: score.score,
    segment: score.segment,
    reason: score.reason,
    provider: classification.provider,
    local_provider: classification.local_provider,
    tenant_size: classification.tenant_size,
    mx_root: classification.mx_root,
    mx_hosts: mx.map((m) => m.host),
    mail_gateway: classification.mail_gateway,
    provider_confidence: classification.provider_confidence,
    spf: signals.spf !== null,
    spf_includes: signals.spf?.includes ?? [],
    dkim: signals.dkimSelector !== null,
    dkim_selector: signals.dkimSelector,
    dmarc_policy: signals.dmarc?.policy ?? null,
    dmarc_coverage: signals.dmarc ? signals.dmarc.coverage : null,
    registrar: registration.registrar,
    created_at: registration.created_at,
    expires_at: registration.expires_at,
    nameservers: registration.nameservers,
    whois_source: registration.whois_source,
    scan_status: whoisFailed ? 'whois_failed' : 'completed',
    scanned_at: now.toISOString(),
    readiness_score: score.readiness_score,
    priority_score: score.priority_score,
    technical_heat: score.technical_heat,
    commercial_segment: score.commercial_segment,
    commercial_heat: score.commercial_heat,
    priority_category: score.priority_category,
    priority_label: score.priority_label,
    tags: score.tags,
  };
}

/** One attempt at one (normalised) domain. Throws ScanError (with `partial`) on failure. */
export async function scanDomainAttempt(domain: string, deps: ScanDeps, options: ScanAttemptOptions): Promise<ScanAttemptResult> {
  const { signal, finalAttempt } = options;
  const partial: ScanPartial = { ...options.partial };
  const publicSuffix = getPublicSuffix(domain, { allowPrivateDomains: false }) ?? domain.split('.').pop()!;

  const budgets = options.budgets ?? createScanBudgets(deps.config, signal);
  let registration: Promise<RegistrationResult> | undefined;
  const startRegistration = () => {
    if (partial.registration || registration) return;
    registration = lookupRegistration(domain, publicSuffix, deps, budgets.whois, { signal, lastChance: finalAttempt });
    registration.catch(() => {}); // awaited below; avoid an unhandled rejection while DNS runs
  };

  const attach = (error: unknown): ScanErrorWithPartial => Object.assign(toScanError(error), { partial });
  // the answers of earlier attempts, and this one's as they come (kept on failure)
  let dnsAnswers: DnsAnswers | undefined;
  try {
    if (!partial.dns) {
      if (partial.registration) startRegistration();
      dnsAnswers = new DnsAnswers(partial.dnsAnswers);
      partial.dns = await runDnsStage(domain, deps, signal, budgets.dns, dnsAnswers, startRegistration);
      delete partial.dnsAnswers;
    } else {
      startRegistration();
    }
  } catch (error) {
    if (dnsAnswers) partial.dnsAnswers = dnsAnswers.toMemo();
    // let a running registration lookup finish so the retry can reuse it
    if (registration) {
      const done = await registration.then((r) => r, () => undefined);
      if (done) partial.registration = done;
    }
    throw attach(error);
  }

  let info = EMPTY_REGISTRATION;
  let whoisError: ScanError | undefined;
  try {
    const result = partial.registration ?? (await registration!);
    partial.registration = result;
    if (result.kind === 'not_registered') {
      throw createScanError('domain_not_registered', `${domain} is not registered (${result.source} says not found)`);
    }
    info = result.info;
  } catch (error) {
    const scanError = toScanError(error);
    if (scanError.category === 'permanent' || signal?.aborted) throw attach(scanError);
    if (!finalAttempt) throw attach(scanError);
    whoisError = scanError;
  }
  const now = deps.now?.() ?? new Date();
  return { lead: assembleLead(domain, partial.dns, info, whoisError !== undefined, now), whoisError };
}

/** Exponential backoff with full jitter in [delay/2, delay]: attempt 1 -> base, 2 -> 2*base, ... */
export function backoffDelay(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const delay = baseMs * 2 ** Math.max(0, attempt - 1);
  return Math.round(delay / 2 + random() * (delay / 2));
}

export interface RetryOptions {
  retries: number;
  backoffMs: number;
  signal?: AbortSignal;
  /** Stages finished by an earlier run of this domain (a worker re-running a unit). */
  partial?: ScanPartial;
  /**
   * Called before each retry with the stages finished so far (a worker saves them with the
   * unit, so a re-run after a crash does not repeat them). Throwing stops the retries.
   */
  onRetry?: (error: ScanError, partial: ScanPartial | undefined, attempt: number) => Promise<void>;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface ScanWithRetriesResult extends ScanAttemptResult {
  attempts: number;
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * The retry policy of every scan, single or bulk: transient errors are retried `retries` times
 * with exponential backoff and jitter (at least an upstream's Retry-After), in place, so a
 * retry does not queue behind the rest of a bulk job; permanent errors are not retried. Throws
 * the last ScanError with `attempts` set.
 */
export async function scanWithRetries(domain: string, deps: ScanDeps, options: RetryOptions): Promise<ScanWithRetriesResult> {
  const maxAttempts = options.retries + 1;
  const sleep = options.sleep ?? defaultSleep;
  let partial = options.partial;
  const budgets = createScanBudgets(deps.config, options.signal);
  for (let attempt = 1; ; attempt++) {
    try {
      // with the WHOIS budget spent, one more WHOIS try cannot succeed: this attempt is the last
      const finalAttempt = attempt === maxAttempts || budgets.whois.remainingMs <= 0;
      const result = await scanDomainAttempt(domain, deps, { signal: options.signal, finalAttempt, partial, budgets });
      return { ...result, attempts: attempt };
    } catch (error) {
      const scanError = toScanError(error);
      partial = (error as ScanErrorWithPartial).partial ?? partial;
      scanError.attempts = attempt;
      const dnsBudgetSpent = !partial?.dns && (budgets.dns.remainingMs <= 0 || budgets.domain.remainingMs <= 0);
      if (scanError.category === 'permanent' || attempt >= maxAttempts || dnsBudgetSpent || options.signal?.aborted) throw scanError;
      await options.onRetry?.(scanError, partial, attempt);
      // DNS done and the WHOIS budget spent: the next attempt only assembles the whois_failed
      // lead, sends nothing upstream, and has nothing to wait for
      const onlyAssemblyLeft = partial?.dns !== undefined && budgets.whois.remainingMs <= 0;
      // an upstream's Retry-After is honoured up to MAX_UPSTREAM_WAIT_MS: a registry asking for an
      // hour must not hold the domain (and its worker slot or HTTP request) that long
      const retryAfterMs = Math.min(scanError.retryAfterMs ?? 0, MAX_UPSTREAM_WAIT_MS);
      if (!onlyAssemblyLeft) await sleep(Math.max(backoffDelay(attempt, options.backoffMs), retryAfterMs), options.signal);
    }
  }
}
