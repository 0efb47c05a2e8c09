import { describe, expect, it } from 'vitest';
import { createJobEndedCache } from './job-ended-cache.js';

function setup(maxAgeMs = 100) {
  let clock = 1000;
  const reads: string[] = [];
  const state = new Map<string, boolean>();
  let fail = false;
  const cache = createJobEndedCache(
    async (jobId) => {
      reads.push(jobId);
      await Promise.resolve();
      if (fail) throw new Error('redis down');
      return state.get(jobId) ?? false;
    },
    maxAgeMs,
    () => clock,
  );
  return { cache, reads, state, tick: (ms: number) => (clock += ms), failReads: (on: boolean) => (fail = on) };
}

describe('createJobEndedCache', () => {
  it('an end once learnt stays: a late reply that still saw the job running does not undo it', async () => {
    const { cache, tick } = setup();
    cache.learn('j', true);
    cache.learn('j', false);
    tick(500);
    expect(await cache.hasEnded('j')).toBe(true);
  });

  it('reads a job once per maxAgeMs; concurrent askers share the read', async () => {
    const { cache, reads, state, tick } = setup();
    expect(await Promise.all([cache.hasEnded('j'), cache.hasEnded('j'), cache.hasEnded('j')])).toEqual([false, false, false]);
    expect(reads).toEqual(['j']);
    state.set('j', true);
    tick(99);
    expect(await cache.hasEnded('j')).toBe(false);
    expect(reads).toEqual(['j']);
    tick(1);
    expect(await cache.hasEnded('j')).toBe(true);
    expect(reads).toEqual(['j', 'j']);
  });

  it('what a record reply says counts as a fresh read; an end is final', async () => {
    const { cache, reads, tick } = setup();
    cache.learn('j', false);
    tick(50);
    expect(await cache.hasEnded('j')).toBe(false);
    cache.learn('j', true);
    tick(10_000);
    expect(await cache.hasEnded('j')).toBe(true);
    expect(reads).toEqual([]);
  });

  it('a failed read is not remembered', async () => {
    const { cache, reads, failReads } = setup();
    failReads(true);
    await expect(cache.hasEnded('j')).rejects.toThrow('redis down');
    failReads(false);
    expect(await cache.hasEnded('j')).toBe(false);
    expect(reads).toEqual(['j', 'j']);
  });
});
