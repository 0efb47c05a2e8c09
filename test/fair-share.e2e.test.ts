/**
 * Fair sharing: a 10-domain job submitted while a 1 000-domain job runs on the same worker
 * finishes in a small multiple of the time it takes alone, not after the big job (units of both
 * jobs take turns by round, and a unit hands the rest of its range back after its time slice).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCases } from '../src/sim/sim.cases.js';
import { startSimulator, type Simulator } from '../src/sim/simulator.js';
import { loadCorpus } from './helpers/corpus.js';
import { cleanupPrefix, get, gql, post, startStack, uniquePrefix, waitFor, type Stack } from './helpers/stack.js';

const cases = generateCases(loadCorpus(), 1023);
const big = cases.slice(0, 1000).map((c) => c.domain);
const smallSolo = cases.slice(1000, 1010).map((c) => c.domain);
const smallShared = cases.slice(1010, 1020).map((c) => c.domain);
const warmUp = cases.slice(1020).map((c) => c.domain);

let sim: Simulator;
let stack: Stack;
const prefix = uniquePrefix('fair');

beforeAll(async () => {
  sim = await startSimulator({ cases, latency: { dns: [5, 15], whois: [40, 80], rdap: [40, 80] } });
  stack = await startStack(sim, prefix, { env: { SCOUT_CONCURRENCY: '5', SCOUT_UNIT_SLICE_MS: '400' } });
});
afterAll(async () => {
  if (stack) await cleanupPrefix(stack.runtime, prefix);
  await stack?.close();
  await sim?.close();
});

const status = async (id: string) => (await (await get(stack.app, `/scan/bulk/${id}`)).json()) as Record<string, any>;

async function submit(domains: string[]): Promise<string> {
  const r = await post(stack.app, '/scan/bulk', { domain_list: domains });
  expect(r.status).toBe(200);
  return ((await r.json()) as { job_id: string }).job_id;
}

async function runToEnd(domains: string[]): Promise<number> {
  const t0 = Date.now();
  const id = await submit(domains);
  const done = await waitFor(async () => {
    const s = await status(id);
    return s.status === 'completed' ? s : undefined;
  }, 20_000, 20);
  expect(done.processed).toBe(domains.length);
  return Date.now() - t0;
}

describe('fair sharing', () => {
  it('a small job submitted while a big one runs finishes in a bounded multiple of its solo time', async () => {
    await runToEnd(warmUp); // RDAP bootstrap, connections, scripts
    const solo = await runToEnd(smallSolo);

    const bigId = await submit(big);
    await waitFor(async () => (await status(bigId)).processed >= 30, 20_000, 20);
    const shared = await runToEnd(smallShared);
    const bigAfter = await status(bigId);
    console.log(`small job alone ${solo} ms, beside a 1000-domain job ${shared} ms (big job at ${bigAfter.processed}/1000)`);

    // the big job was still far from done: the small one did not wait for it
    expect(bigAfter.status).toBe('running');
    expect(bigAfter.processed).toBeLessThan(700);
    expect(shared).toBeLessThan(4 * solo + 1000);

    // rounds move on while units run...
    expect(await stack.runtime.store.currentRound()).toBeGreaterThan(0);
    const c = await gql(stack.app, `mutation($id: ID!) { cancelBulkScan(id: $id) { status } }`, { id: bigId });
    expect(c.data?.cancelBulkScan.status).toBe('cancelled');
    // ...and start again from 0 once nothing is queued or running (priorities stay in BullMQ's range)
    await waitFor(async () => (await stack.runtime.store.currentRound()) === 0, 15_000, 100);
  }, 60_000);
});
