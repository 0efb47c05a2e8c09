/**
 * Liveness and readiness: `/healthz/live` 200 `{"status":"alive"}` (the process answers);
 * `/healthz/ready` 200 `{"status":"ready","checks":{"database":true,"redis":true}}` or 503
 * `{"detail":"Redis unavailable: ..."}` / `"Database unavailable: ..."`, always within a second.
 */
import { TimeoutError, withTimeout } from './metrics.js';

export type HealthChecks = Record<string, () => Promise<unknown>>;

/** Each check gets this long; the whole answer stays under a second. */
export const CHECK_TIMEOUT_MS = 800;

const LABELS: Record<string, string> = { redis: 'Redis', database: 'Database' };

export interface ReadinessResult {
  status: 200 | 503;
  body: { status: 'ready'; checks: Record<string, boolean> } | { detail: string };
}

/**
 * What a failed check may say on a public route: a timeout, or the error's code (ECONNREFUSED,
 * a PostgreSQL SQLSTATE), never the driver's message (it names hosts, ports, users, paths). The
 * full text is logged by the connection watchers (src/infra/connection-state.ts).
 */
export function publicReason(error: unknown): string {
  if (error instanceof TimeoutError) return error.message;
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code) ? `connection failed (${code})` : 'the check failed';
}

/** Run every check at once, each bounded: null for a check that passed, else its public reason. */
export async function runChecks(checks: HealthChecks, timeoutMs = CHECK_TIMEOUT_MS): Promise<[name: string, failure: string | null][]> {
  const names = Object.keys(checks).sort((a, b) => order(a) - order(b));
  const outcomes = await Promise.all(
    names.map((name) =>
      withTimeout(Promise.resolve().then(checks[name]), timeoutMs).then(
        () => null,
        (error: unknown) => publicReason(error),
      ),
    ),
  );
  return names.map((name, i) => [name, outcomes[i]]);
}

/** Run every check at once, each bounded; the first failing (redis before database) names the reason. */
export async function checkReadiness(checks: HealthChecks, timeoutMs = CHECK_TIMEOUT_MS): Promise<ReadinessResult> {
  const results = await runChecks(checks, timeoutMs);
  const failed = results.find(([, failure]) => failure !== null);
  if (failed) return { status: 503, body: { detail: `${LABELS[failed[0]] ?? failed[0]} unavailable: ${failed[1]}` } };
  return { status: 200, body: { status: 'ready', checks: Object.fromEntries(results.map(([name]) => [name, true])) } };
}

const order = (name: string) => (name === 'redis' ? 0 : name === 'database' ? 1 : 2);

/** `/healthz/live`, `/healthz/ready` and `/metrics` as a fetch handler (the worker's server; the API mounts the same). */
export async function handleObservability(pathname: string, checks: HealthChecks, renderMetrics: () => Promise<{ body: string; contentType: string }>): Promise<Response | undefined> {
  if (pathname === '/healthz/live') return Response.json({ status: 'alive' });
  if (pathname === '/healthz/ready') {
    const { status, body } = await checkReadiness(checks);
    return Response.json(body, { status });
  }
  if (pathname === '/metrics') {
    const { body, contentType } = await renderMetrics();
    return new Response(body, { headers: { 'content-type': contentType } });
  }
  return undefined;
}
