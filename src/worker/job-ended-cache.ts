/**
 * Whether a bulk job has ended (cancelled, timed out, completed), as the processor asks before
 * each domain: read from Redis at most every `maxAgeMs` per job, and learnt for free from every
 * record reply in between (the record script returns the job's state). A job that ends is seen
 * within `maxAgeMs` at the latest, and at once by a slot whose own record found it ended, so
 * each slot starts at most one domain after the end (the same bound as a read per domain: the
 * domains in flight at that moment), without a round trip per domain.
 */
export interface JobEndedCache {
  hasEnded(jobId: string): Promise<boolean>;
  /** What a record reply (or another read) just said. */
  learn(jobId: string, ended: boolean): void;
}

export function createJobEndedCache(readEnded: (jobId: string) => Promise<boolean>, maxAgeMs = 100, now: () => number = Date.now): JobEndedCache {
  const known = new Map<string, { ended: boolean; at: number }>();
  // one read per job at a time: the domains asking meanwhile share it
  const reading = new Map<string, Promise<boolean>>();

  const learn = (jobId: string, ended: boolean) => {
    // an end is final: a reply that was sent before it and read after it does not undo it
    if (known.get(jobId)?.ended) return;
    known.set(jobId, { ended, at: now() });
    // bounded: drop what is too old to be used
    if (known.size > 1000) {
      const stale = now() - maxAgeMs;
      for (const [id, entry] of known) if (entry.at < stale && !entry.ended) known.delete(id);
      // ended jobs too, oldest first, if that was not enough
      for (const id of known.keys()) {
        if (known.size <= 1000) break;
        known.delete(id);
      }
    }
  };

  return {
    hasEnded(jobId) {
      const entry = known.get(jobId);
      // an end is final: once seen it needs no fresh read
      if (entry && (entry.ended || now() - entry.at < maxAgeMs)) return Promise.resolve(entry.ended);
      let read = reading.get(jobId);
      if (!read) {
        read = readEnded(jobId).then(
          (ended) => {
            reading.delete(jobId);
            learn(jobId, ended);
            return ended;
          },
          (error: unknown) => {
            reading.delete(jobId);
            throw error;
          },
        );
        reading.set(jobId, read);
      }
      return read;
    },
    learn,
  };
}
