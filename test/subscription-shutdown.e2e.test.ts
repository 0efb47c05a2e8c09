/**
 * Shutdown, subscriptions: when the process begins to stop (runtime.closeSubscriptions, the
 * first step of SIGTERM in src/main.ts), a subscriber to a running job gets a final message (the
 * state as it stands) and its stream completes, instead of hanging until the connection is cut.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCases } from '../src/sim/sim.cases.js';
import { startSimulator, type Simulator } from '../src/sim/simulator.js';
import { loadCorpus } from './helpers/corpus.js';
import { sseNextPayloads } from './helpers/sse.js';
import { cleanupPrefix, post, startStack, uniquePrefix, waitFor, get, type Stack } from './helpers/stack.js';

const cases = generateCases(loadCorpus(), 40);
const prefix = uniquePrefix('sub-close');
let sim: Simulator;
let stack: Stack;
beforeAll(async () => {
  // slow registries: the job runs for a while
  sim = await startSimulator({ cases, latency: { dns: [5, 10], whois: [300, 400], rdap: [300, 400] } });
  stack = await startStack(sim, prefix, { env: { SCOUT_CONCURRENCY: '2' }, heartbeatMs: 60_000 });
});
afterAll(async () => {
  if (stack) await cleanupPrefix(stack.runtime, prefix);
  await stack?.close();
  await sim?.close();
});

describe('subscriptions at shutdown', () => {
  it('a progress subscriber to a running job gets the current state as a final message, then complete', async () => {
    const r = (await (await post(stack.app, '/scan/bulk', { domain_list: cases.map((c) => c.domain) })).json()) as { job_id: string };
    await waitFor(async () => ((await (await get(stack.app, `/scan/bulk/${r.job_id}`)).json()) as { processed: number }).processed >= 1, 20_000, 50);
    const response = await stack.app.fetch(
      new Request('http://test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query: 'subscription($id: ID!) { bulkScanProgress(id: $id) { status processed total } }', variables: { id: r.job_id } }),
        signal: AbortSignal.timeout(20_000),
      }),
    );
    expect(response.status).toBe(200);
    const events: { bulkScanProgress: { status: string; processed: number; total: number } }[] = [];
    let closedAt = 0;
    const reading = (async () => {
      for await (const payload of sseNextPayloads(response.body!)) {
        events.push((payload as { data: (typeof events)[number] }).data);
        if (events.length === 1) {
          closedAt = performance.now();
          stack.runtime.closeSubscriptions();
        }
      }
    })();
    await reading; // completes: no heartbeat is due for 60 s, the job is far from done
    const completeMs = performance.now() - closedAt;
    expect(events.length).toBe(2); // the first snapshot, then the final message
    const final = events[1].bulkScanProgress;
    expect(final.status).toBe('running');
    expect(final.total).toBe(40);
    expect(final.processed).toBeGreaterThanOrEqual(events[0].bulkScanProgress.processed);
    expect(completeMs).toBeLessThan(5_000);
  }, 40_000);
});
