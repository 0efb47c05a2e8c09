/**
 * A worker's own small HTTP server (SCOUT_METRICS_PORT): `/metrics`, `/healthz/live`,
 * `/healthz/ready`. The API serves the same routes on its own port.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleObservability, type HealthChecks } from './health.js';
import { renderMetrics } from './metrics.js';

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(options: { port: number; host?: string; checks: HealthChecks }): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    handleObservability(pathname, options.checks, renderMetrics)
      .then(async (response) => {
        const r = response ?? Response.json({ detail: 'Not Found' }, { status: 404 });
        res.writeHead(r.status, Object.fromEntries(r.headers));
        res.end(Buffer.from(await r.arrayBuffer()));
      })
      .catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ detail: (error as Error).message }));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
