/** What fault tests check of a finished bulk job: every domain counted once, none lost. */
import { expect } from 'vitest';
import type { Lead } from '../../src/scan/scan.types.js';
import { http } from './processes.js';

export interface JobStatus {
  status: string;
  total: number;
  processed: number;
  succeeded: number;
  failed: number;
  errors: { domain: string }[];
}

export const jobStatus = async (base: string, id: string) => (await http<JobStatus>(base, `/scan/bulk/${id}`)).json;

/** Poll the job until it is no longer pending/running. */
export async function waitForEnd(base: string, id: string, timeoutMs: number): Promise<JobStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await jobStatus(base, id).catch(() => undefined);
    if (s && s.status !== 'running' && s.status !== 'pending') return s;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${s?.status} (${s?.processed}/${s?.total}) after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * 0 lost, 0 counted twice: the job completed, each domain has exactly one outcome (a lead or
 * an error), and the counters add up to the list. Returns the numbers for the report.
 */
export async function expectEachDomainOnce(base: string, id: string, done: JobStatus, domains: string[]) {
  expect(done.status).toBe('completed');
  expect(done.total).toBe(domains.length);
  expect(done.processed).toBe(domains.length);
  expect(done.succeeded + done.failed).toBe(domains.length);
  const { json } = await http<{ results: Lead[] }>(base, `/scan/bulk/${id}/results`);
  const leads = json.results.map((l) => l.domain);
  const errors = done.errors.map((e) => e.domain);
  const outcomes = [...leads, ...errors];
  const lost = domains.filter((d) => !outcomes.includes(d)).length;
  const doubled = outcomes.length - new Set(outcomes).size;
  expect({ lost, doubled }).toEqual({ lost: 0, doubled: 0 });
  expect(leads.length).toBe(done.succeeded);
  expect([...outcomes].sort()).toEqual([...domains].sort());
  return { lost, doubled };
}
