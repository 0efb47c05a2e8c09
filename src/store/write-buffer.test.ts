import { describe, expect, test } from 'vitest';
import { createWriteBuffer } from './write-buffer.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('write buffer', () => {
  test('a full batch is flushed at once, the rest on drain', async () => {
    const batches: number[][] = [];
    const buffer = createWriteBuffer<number>({ flush: async (items) => void batches.push(items), maxItems: 3, maxDelayMs: 60_000 });
    buffer.pushAll([1, 2, 3, 4, 5, 6, 7]);
    await sleep(10);
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(buffer.size).toBe(1);
    await buffer.drain();
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(buffer.size).toBe(0);
  });

  test('a partial batch is flushed after maxDelayMs', async () => {
    const batches: string[][] = [];
    const buffer = createWriteBuffer<string>({ flush: async (items) => void batches.push(items), maxDelayMs: 20 });
    buffer.push('a');
    buffer.push('b');
    expect(batches).toEqual([]);
    await sleep(80);
    expect(batches).toEqual([['a', 'b']]);
  });

  test('a failing flush keeps its items and retries them, in order, with backoff', async () => {
    const written: number[] = [];
    const errors: { failures: number; retryInMs: number; items: number }[] = [];
    let calls = 0;
    const buffer = createWriteBuffer<number>({
      flush: async (items) => {
        calls += 1;
        if (calls <= 2) throw new Error('database is down');
        written.push(...items);
      },
      maxItems: 4,
      retryDelayMs: 10,
      onError: (_error, info) => errors.push(info),
    });
    buffer.pushAll([1, 2, 3, 4, 5, 6]);
    buffer.push(7);
    await buffer.drain();
    expect(written).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(errors).toEqual([
      { items: 4, failures: 1, retryInMs: 10 },
      { items: 4, failures: 2, retryInMs: 20 },
    ]);
  });

  test('a flush that throws synchronously is retried like a rejected one', async () => {
    let calls = 0;
    const written: number[] = [];
    const buffer = createWriteBuffer<number>({
      flush: (items) => {
        calls += 1;
        if (calls === 1) throw new Error('boom');
        written.push(...items);
        return Promise.resolve();
      },
      retryDelayMs: 5,
    });
    buffer.push(1);
    await buffer.drain();
    expect(written).toEqual([1]);
  });

  test('drain gives up after timeoutMs and keeps the items', async () => {
    const buffer = createWriteBuffer<number>({
      flush: async () => {
        throw new Error('database is down');
      },
      retryDelayMs: 5,
      maxRetryDelayMs: 10,
    });
    buffer.pushAll([1, 2, 3]);
    await expect(buffer.drain({ timeoutMs: 60 })).rejects.toThrow(/timed out .* 3 items unwritten/);
    expect(buffer.size).toBe(3);
  });

  test('a closed buffer refuses new items', async () => {
    const buffer = createWriteBuffer<number>({ flush: async () => {} });
    buffer.push(1);
    await buffer.close();
    expect(buffer.size).toBe(0);
    expect(() => buffer.push(2)).toThrow(/closed/);
  });
});
