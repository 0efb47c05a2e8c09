/**
 * Group commit for database writes: items are collected and written in batches, so thousands
 * of results a minute cost a few statements a second instead of one round trip each.
 */

/** Options of {@link createWriteBuffer}. */
export interface WriteBufferOptions<T> {
  /** Write one batch (at most `maxItems` items). Throwing keeps the items for a retry. */
  flush: (items: T[]) => Promise<void>;
  /** Flush as soon as this many items are waiting. Default 200. */
  maxItems?: number;
  /** Flush at the latest this long (ms) after an item arrives. Default 250. */
  maxDelayMs?: number;
  /** Wait (ms) before the first retry of a failed flush; doubled on each failure. Default 200. */
  retryDelayMs?: number;
  /** Longest wait (ms) between retries. Default 30 000. */
  maxRetryDelayMs?: number;
  /**
   * Called on every failed flush (the items stay in the buffer and are retried). A batch that
   * can never be written (e.g. a constraint violation) is retried forever and holds back the
   * items behind it: report it from here.
   */
  onError?: (error: unknown, info: WriteBufferErrorInfo) => void;
}

/** What {@link WriteBufferOptions.onError} is told about a failed flush. */
export interface WriteBufferErrorInfo {
  /** Items in the failed batch. */
  items: number;
  /** Consecutive failed flushes, this one included. */
  failures: number;
  /** When the next attempt runs (ms from now). */
  retryInMs: number;
}

/** Options of {@link WriteBuffer.drain}. */
export interface DrainOptions {
  /** Give up after this long (ms): the promise rejects and the items stay buffered. Default: wait until written. */
  timeoutMs?: number;
}

/**
 * Collect items and hand them to `flush` in batches: when `maxItems` are waiting, or
 * `maxDelayMs` after the first of them arrived. One flush runs at a time, in arrival order.
 * When a flush fails (the database may be down) its items go back to the front of the buffer
 * and are retried with exponential backoff; nothing is dropped while the process lives (the
 * buffer grows meanwhile: watch `size`). Timers are unref'd: a pending write does not keep the
 * process alive, so call `drain()` before exiting.
 */
export function createWriteBuffer<T>(options: WriteBufferOptions<T>) {
  const { flush, maxItems = 200, maxDelayMs = 250, retryDelayMs = 200, maxRetryDelayMs = 30_000, onError } = options;
  if (!Number.isInteger(maxItems) || maxItems < 1) throw new RangeError('maxItems must be a positive integer');

  let queue: T[] = [];
  let flushing: Promise<void> | null = null;
  let inFlight = 0;
  let timer: NodeJS.Timeout | null = null;
  /** Consecutive failed flushes; while > 0 the pending timer is a retry. */
  let failures = 0;
  /** Drains waiting: while > 0, batches are flushed back to back without `maxDelayMs`. */
  let draining = 0;
  let closed = false;
  let idleWaiters: (() => void)[] = [];

  function setTimer(ms: number) {
    timer = setTimeout(() => {
      timer = null;
      startFlush();
    }, ms);
    timer.unref();
  }

  function schedule() {
    if (flushing || timer || queue.length === 0) return;
    if (queue.length >= maxItems || draining > 0) startFlush();
    else setTimer(maxDelayMs);
  }

  function startFlush() {
    if (flushing || queue.length === 0) return;
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    const batch = queue.splice(0, maxItems);
    inFlight = batch.length;
    // Through a promise so that a flush throwing synchronously is handled like a rejection.
    flushing = Promise.resolve(batch).then(flush).then(
      () => {
        failures = 0;
        flushing = null;
        inFlight = 0;
        schedule();
        if (!flushing && queue.length === 0) notifyIdle();
      },
      (error: unknown) => {
        failures += 1;
        queue = batch.concat(queue);
        flushing = null;
        inFlight = 0;
        const retryInMs = Math.min(maxRetryDelayMs, retryDelayMs * 2 ** (failures - 1));
        setTimer(retryInMs);
        try {
          onError?.(error, { items: batch.length, failures, retryInMs });
        } catch {
          // A failing error callback must not stop the retries.
        }
      },
    );
  }

  function notifyIdle() {
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  function add(items: readonly T[]) {
    if (closed) throw new Error('write buffer is closed');
    if (items.length === 0) return;
    for (const item of items) queue.push(item);
    schedule();
  }

  async function drain(drainOptions: DrainOptions = {}): Promise<void> {
    if (queue.length === 0 && !flushing) return;
    draining += 1;
    let idle!: () => void;
    const done = new Promise<void>((resolve) => {
      idle = resolve;
      idleWaiters.push(resolve);
    });
    // Flush what waits for `maxDelayMs` now; a pending retry keeps its backoff.
    if (failures === 0) startFlush();
    let timeout: NodeJS.Timeout | undefined;
    try {
      if (drainOptions.timeoutMs === undefined) return await done;
      const { timeoutMs } = drainOptions;
      await Promise.race([
        done,
        new Promise<never>((_, reject) => {
          timeout = setTimeout(
            () => reject(new Error(`write buffer drain timed out after ${timeoutMs} ms with ${queue.length} items unwritten`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timeout);
      idleWaiters = idleWaiters.filter((waiter) => waiter !== idle);
      draining -= 1;
    }
  }

  return {
    /** Add one item. */
    push(item: T): void {
      add([item]);
    },
    /** Add several items (kept in order). */
    pushAll(items: readonly T[]): void {
      add(items);
    },
    /** Flush everything buffered (and anything added meanwhile); resolves when all is written. */
    drain,
    /** Drain, then refuse new items. */
    async close(drainOptions?: DrainOptions): Promise<void> {
      closed = true;
      await drain(drainOptions);
    },
    /** Items not yet written, the batch being flushed included. */
    get size(): number {
      return queue.length + inFlight;
    },
  };
}

/** A batching writer (see {@link createWriteBuffer}). */
export type WriteBuffer<T> = ReturnType<typeof createWriteBuffer<T>>;
