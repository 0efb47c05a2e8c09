/**
 * The domains in flight of one worker process (SCOUT_CONCURRENCY), shared by the units it holds.
 * A freed slot goes to the waiter with the lowest priority (the unit's round), ties first come
 * first served: the unit of a job submitted later but due sooner is not stuck behind the
 * queued domains of a huge job's unit.
 */
export interface Slots {
  acquire(priority: number): Promise<() => void>;
  readonly size: number;
  readonly inUse: number;
}

export function createSlots(size: number): Slots {
  let free = size;
  let seq = 0;
  const waiters: { priority: number; seq: number; grant: () => void }[] = [];

  const releaser = () => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = waiters.shift();
      if (next) next.grant();
      else free++;
    };
  };

  return {
    size,
    get inUse() {
      return size - free;
    },
    acquire(priority) {
      if (free > 0 && waiters.length === 0) {
        free--;
        return Promise.resolve(releaser());
      }
      return new Promise((resolve) => {
        const waiter = { priority, seq: seq++, grant: () => resolve(releaser()) };
        // sorted insert: lowest priority first, FIFO among equals
        let i = waiters.length;
        while (i > 0 && waiters[i - 1].priority > priority) i--;
        waiters.splice(i, 0, waiter);
      });
    },
  };
}
