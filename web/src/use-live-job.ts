/**
 * A job watched live: `bulkScanProgress` for the counters, `bulkScanResults` for the leads, the
 * job's errors re-read when its `failed` count moves. Both streams resubscribe after a dropped
 * connection (API restart, network) and resume from the snapshot the server sends first; the
 * results stream replays the finished leads, deduplicated here by domain.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, request, subscribe } from './api.js';
import type { Sample } from './format.js';
import { BULK_SCAN_PROGRESS, BULK_SCAN_RESULTS, JOB_ERRORS, TERMINAL, type Job, type Lead, type ScanError } from './operations.js';

export type Connection = 'connecting' | 'live' | 'reconnecting' | 'done';

export interface LiveJob {
  job: Job | null;
  leads: Lead[];
  errors: ScanError[];
  samples: Sample[];
  connection: Connection;
  problem: ApiError | null;
}

/** No event at all (the server sends a heartbeat at least every 5 s) for this long: resubscribe. */
const SILENCE_MS = 15_000;

export function useLiveJob(id: string | null, onJob?: (job: Job) => void): LiveJob {
  const [job, setJob] = useState<Job | null>(null);
  const [leads, setLeads] = useState<Lead[]>([]);
  const [errors, setErrors] = useState<ScanError[]>([]);
  const [samples, setSamples] = useState<Sample[]>([]);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [problem, setProblem] = useState<ApiError | null>(null);
  const onJobRef = useRef(onJob);
  onJobRef.current = onJob;

  useEffect(() => {
    if (!id) return;
    setJob(null);
    setLeads([]);
    setErrors([]);
    setSamples([]);
    setConnection('connecting');
    setProblem(null);

    let stopped = false;
    let lastJob: Job | null = null;
    const terminal = () => !!lastJob && TERMINAL.includes(lastJob.status);
    const stops: { progress?: () => void; results?: () => void } = {};
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const later = (fn: () => void, ms: number) => {
      const t = setTimeout(() => {
        timers.delete(t);
        if (!stopped) fn();
      }, ms);
      timers.add(t);
    };

    // leads arrive by the hundred per second: buffer them, render a few times per second
    const seen = new Map<string, Lead>();
    let dirty = false;
    const flush = setInterval(() => {
      if (!dirty) return;
      dirty = false;
      setLeads([...seen.values()]);
    }, 250);

    let errorsBusy = false;
    let errorsAgain = false;
    async function readErrors() {
      if (errorsBusy) {
        errorsAgain = true;
        return;
      }
      errorsBusy = true;
      try {
        const data = await request<{ bulkScan: { errors: ScanError[] } | null }>(JOB_ERRORS, { id });
        if (!stopped && data.bulkScan) setErrors(data.bulkScan.errors);
      } catch {
        // the next change reads them again
      } finally {
        errorsBusy = false;
        if (errorsAgain && !stopped) {
          errorsAgain = false;
          later(() => void readErrors(), 1000);
        }
      }
    }

    let lastEventAt = Date.now();
    let progressAttempt = 0;
    function startProgress() {
      stops.progress?.();
      lastEventAt = Date.now();
      stops.progress = subscribe<{ bulkScanProgress: Job }>(BULK_SCAN_PROGRESS, { id }, {
        next: ({ bulkScanProgress: next }) => {
          lastEventAt = Date.now();
          progressAttempt = 0;
          const failedMoved = !lastJob || next.failed !== lastJob.failed || (TERMINAL.includes(next.status) && !terminal());
          lastJob = next;
          setJob(next);
          setProblem(null);
          setConnection(TERMINAL.includes(next.status) ? 'done' : 'live');
          setSamples((s) => [...s.filter((x) => lastEventAt - x.at < 60_000), { at: lastEventAt, processed: next.processed }]);
          if (failedMoved && next.failed > 0) void readErrors();
          onJobRef.current?.(next);
        },
        error: (error) => retryProgress(error),
        complete: () => {
          if (terminal()) setConnection('done');
          else retryProgress(null); // the stream ended early: the API went away
        },
      });
    }
    function retryProgress(error: ApiError | null) {
      if (stopped) return;
      stops.progress?.();
      stops.progress = undefined;
      if (error?.kind === 'graphql' || error?.kind === 'unauthorized') {
        setProblem(error);
        setConnection('done');
        return;
      }
      setConnection('reconnecting');
      if (error) setProblem(error);
      progressAttempt += 1;
      later(startProgress, Math.min(5000, 500 * 2 ** Math.min(progressAttempt, 4)));
    }

    let resultsAttempt = 0;
    function startResults() {
      stops.results?.();
      stops.results = subscribe<{ bulkScanResults: Lead }>(BULK_SCAN_RESULTS, { id }, {
        next: ({ bulkScanResults: lead }) => {
          resultsAttempt = 0;
          seen.set(lead.domain, lead);
          dirty = true;
        },
        error: (error) => retryResults(error),
        complete: () => {
          if (!terminal()) retryResults(null);
        },
      });
    }
    function retryResults(error: ApiError | null) {
      if (stopped) return;
      stops.results?.();
      stops.results = undefined;
      if (error?.kind === 'graphql' || error?.kind === 'unauthorized') return; // progress reports it
      resultsAttempt += 1;
      later(startResults, Math.min(5000, 500 * 2 ** Math.min(resultsAttempt, 4)));
    }

    const watchdog = setInterval(() => {
      if (stops.progress && !terminal() && Date.now() - lastEventAt > SILENCE_MS) retryProgress(null);
    }, 2000);

    startProgress();
    startResults();
    return () => {
      stopped = true;
      stops.progress?.();
      stops.results?.();
      clearInterval(flush);
      clearInterval(watchdog);
      for (const t of timers) clearTimeout(t);
    };
  }, [id]);

  return { job, leads, errors, samples, connection, problem };
}
