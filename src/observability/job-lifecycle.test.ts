import { describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../jobs/job.types.js';
import { lifecycleEventOf } from './job-lifecycle.js';

const snap = (status: JobSnapshot['status'], error: JobSnapshot['error'] = null) => ({ status, error }) as JobSnapshot;

describe('lifecycleEventOf', () => {
  it('names each status change once; progress within a status is not an event', () => {
    expect(lifecycleEventOf(undefined, snap('pending'))).toBe('created');
    expect(lifecycleEventOf('pending', snap('running'))).toBe('started');
    expect(lifecycleEventOf('running', snap('running'))).toBeNull();
    expect(lifecycleEventOf(undefined, snap('running'))).toBe('started');
    expect(lifecycleEventOf('running', snap('completed'))).toBe('completed');
    expect(lifecycleEventOf('running', snap('cancelled', { code: 'job_cancelled', message: '' }))).toBe('cancelled');
    expect(lifecycleEventOf('running', snap('failed', { code: 'job_timeout', message: '' }))).toBe('timed_out');
  });
});
