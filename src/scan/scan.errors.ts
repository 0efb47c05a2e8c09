/**
 * Errors of the scan core. Every failure has a stable snake_case `code` (one table, below) and a
 * `category`: `transient` failures are retried with backoff, `permanent` ones are not.
 */

export type ErrorCategory = 'transient' | 'permanent';

/** Every error code the scan core can produce, with its category. */
export const SCAN_ERROR_CODES = {
  invalid_domain: 'permanent',
  domain_not_found: 'permanent',
  domain_not_registered: 'permanent',
  dns_timeout: 'transient',
  dns_servfail: 'transient',
  dns_refused: 'transient',
  dns_error: 'transient',
  domain_timeout: 'transient',
  whois_throttled: 'transient',
  whois_timeout: 'transient',
  whois_connection_error: 'transient',
  whois_empty_reply: 'transient',
  rdap_throttled: 'transient',
  rdap_server_error: 'transient',
  rdap_error: 'transient',
  job_timeout: 'permanent',
  job_cancelled: 'permanent',
  internal_error: 'transient',
} as const satisfies Record<string, ErrorCategory>;

export type ScanErrorCode = keyof typeof SCAN_ERROR_CODES;

export interface ScanErrorOptions {
  cause?: unknown;
  /** For rate-limit errors: how long the upstream asked us to wait (ms), e.g. RDAP Retry-After. */
  retryAfterMs?: number;
  /** The upstream that produced the error (`dns`, or the WHOIS/RDAP host), for backoff keys. */
  upstream?: string;
}

export class ScanError extends Error {
  readonly code: ScanErrorCode;
  readonly category: ErrorCategory;
  readonly retryAfterMs?: number;
  readonly upstream?: string;
  /** Attempts spent on the domain when this error ended it (set by the retry loop). */
  attempts = 1;

  constructor(code: ScanErrorCode, message: string, options: ScanErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'ScanError';
    this.code = code;
    this.category = SCAN_ERROR_CODES[code];
    this.retryAfterMs = options.retryAfterMs;
    this.upstream = options.upstream;
  }

  get isTransient(): boolean {
    return this.category === 'transient';
  }

  /** True for errors that mean "the upstream is rate limiting us". */
  get isRateLimit(): boolean {
    return this.code === 'whois_throttled' || this.code === 'rdap_throttled' || this.code === 'dns_refused';
  }
}

export function createScanError(code: ScanErrorCode, message: string, options?: ScanErrorOptions): ScanError {
  return new ScanError(code, message, options);
}

/** Any thrown value as a ScanError; unknown errors become a transient `internal_error`. */
export function toScanError(error: unknown): ScanError {
  if (error instanceof ScanError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ScanError('internal_error', message, { cause: error });
}

/** A failure as it is recorded in a job's error list and the database error log. */
export interface ScanFailure {
  domain: string;
  category: ErrorCategory;
  code: ScanErrorCode;
  message: string;
  attempts: number;
  /** ISO timestamp. */
  timestamp: string;
}
