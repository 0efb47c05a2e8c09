/**
 * One log line per HTTP request, when its response headers are ready: method, route (the
 * matched pattern, e.g. `/scan/bulk/:job_id`), path, status, ms, the API key's name, and the
 * job id when the path names one. The same measure goes to `scout_http_request_duration_seconds`
 * (labelled by route pattern, never by raw path, so the label set stays small).
 */
import type { Plugin } from 'graphql-yoga';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/app-env.js';
import type { Logger } from '../logger.js';
import { metrics } from './metrics.js';

// job ids: UUID v4 (new) or 32 hex characters (older jobs)
const JOB_ID_IN_PATH = /\/(?:scan\/bulk|jobs|bulk-scans)\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})(?:\/|$)/;

/** The job id a request path names, if any (REST bulk routes). */
export function jobIdOfPath(pathname: string): string | undefined {
  return JOB_ID_IN_PATH.exec(pathname)?.[1];
}

const JOB_ID = /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** What a GraphQL request adds to its log line: the operation and the job it is about. */
const graphqlInfo = new WeakMap<Request, { operation?: string; jobId?: string }>();

/**
 * A yoga plugin that notes each GraphQL request's operation name and job id (an `id`/`jobId`
 * variable, or the job a `startBulkScan` created) for the request's log line.
 */
export function useRequestLogInfo(): Plugin {
  return {
    onParams({ params, request }) {
      const variables = (params.variables ?? {}) as Record<string, unknown>;
      const id = [variables.id, variables.jobId].find((v): v is string => typeof v === 'string' && JOB_ID.test(v));
      graphqlInfo.set(request, { operation: params.operationName ?? undefined, jobId: id });
    },
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      return {
        onExecuteDone({ result }) {
          if (!request || !('data' in result)) return;
          const created = (result.data as { startBulkScan?: { job?: { id?: unknown } } } | null | undefined)?.startBulkScan?.job?.id;
          if (typeof created === 'string') graphqlInfo.set(request, { ...graphqlInfo.get(request), jobId: created });
        },
      };
    },
  };
}

/** Paths not worth a line each (scrapes and probes); still measured. */
const QUIET_PATHS = new Set(['/metrics', '/healthz', '/healthz/live', '/healthz/ready']);

export function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    let failed = false;
    try {
      await next();
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      const ms = Math.round((performance.now() - started) * 100) / 100;
      const status = failed ? 500 : c.res.status;
      const path = c.req.path;
      // the matched pattern; an unmatched path (404) gets one label, not one per path
      const route = status === 404 && c.req.routePath === '/*' ? 'unmatched' : c.req.routePath || 'unmatched';
      metrics.httpLatency.observe({ method: c.req.method, route, status: String(status) }, ms / 1000);
      const gql = graphqlInfo.get(c.req.raw);
      const line = { method: c.req.method, route, path, status, ms, key: c.get('principal')?.keyName ?? null, jobId: jobIdOfPath(path) ?? gql?.jobId, operation: gql?.operation };
      if (!QUIET_PATHS.has(path) || status >= 500) {
        // a 503 (not ready, Redis down) is the service telling the truth, not a fault of its own
        if (status === 500) logger.error(line, 'request');
        else if (status >= 500) logger.warn(line, 'request');
        else logger.info(line, 'request');
      }
    }
  };
}
