/**
 * What changed between two scans of a domain (`POST /scan/{domain}/rescan`): signal changes
 * (MX, SPF, DKIM, DMARC), score changes (priority, segment) and an expiry alert. Pure.
 */
import { daysUntil } from '../scan/score.js';
import type { Lead } from '../scan/scan.types.js';

export type SignalChange = {
  type: 'mx_changed' | 'spf_changed' | 'dkim_changed' | 'dmarc_added' | 'dmarc_changed';
  old_value: unknown;
  new_value: unknown;
};
export type ExpireSoon = { type: 'expire_soon'; days_until_expiry: number; expires_at: string };
export type PriorityChange = {
  type: 'priority_score_changed';
  old_priority: number;
  new_priority: number;
  old_score: number;
  new_score: number;
  old_segment: string;
  new_segment: string;
};
export type SegmentChange = { type: 'segment_changed'; old_segment: string; new_segment: string; old_score: number; new_score: number };
export type LeadChange = SignalChange | ExpireSoon | PriorityChange | SegmentChange;

export interface LeadDiff {
  changes: LeadChange[];
  signalChanges: number;
  scoreChanges: number;
}

/** Registration expiring in fewer days than this is alerted (the `expire-soon` tag's rule). */
const EXPIRE_SOON_DAYS = 30;

/**
 * Compare the previous stored scan (null when there is none) with a new one. `expire_soon` is
 * reported from the new scan alone; without a previous scan nothing else is a change.
 */
export function diffScans(previous: Lead | null, current: Lead, now: Date): LeadDiff {
  const signals: SignalChange[] = [];
  const scores: (PriorityChange | SegmentChange)[] = [];
  if (previous) {
    // MX: the host list decides (a new host under the same root is a change too); values are the roots
    if (previous.mx_hosts.join(',') !== current.mx_hosts.join(',')) {
      signals.push({ type: 'mx_changed', old_value: previous.mx_root, new_value: current.mx_root });
    }
    if (previous.spf !== current.spf || previous.spf_includes.join(',') !== current.spf_includes.join(',')) {
      signals.push({ type: 'spf_changed', old_value: previous.spf, new_value: current.spf });
    }
    if (previous.dkim !== current.dkim) signals.push({ type: 'dkim_changed', old_value: previous.dkim, new_value: current.dkim });
    const hadDmarc = previous.dmarc_coverage !== null || previous.dmarc_policy !== null;
    const hasDmarc = current.dmarc_coverage !== null || current.dmarc_policy !== null;
    if (!hadDmarc && hasDmarc) {
      signals.push({ type: 'dmarc_added', old_value: null, new_value: current.dmarc_policy });
    } else if (hadDmarc && (previous.dmarc_policy !== current.dmarc_policy || previous.dmarc_coverage !== current.dmarc_coverage)) {
      signals.push({ type: 'dmarc_changed', old_value: previous.dmarc_policy, new_value: current.dmarc_policy });
    }
    if (previous.priority_score !== current.priority_score) {
      scores.push({
        type: 'priority_score_changed',
        old_priority: previous.priority_score,
        new_priority: current.priority_score,
        old_score: previous.score,
        new_score: current.score,
        old_segment: previous.segment,
        new_segment: current.segment,
      });
    }
    if (previous.segment !== current.segment) {
      scores.push({ type: 'segment_changed', old_segment: previous.segment, new_segment: current.segment, old_score: previous.score, new_score: current.score });
    }
  }
  const changes: LeadChange[] = [...signals, ...scores];
  const days = current.expires_at ? daysUntil(current.expires_at, now) : null;
  if (days !== null && days > 0 && days < EXPIRE_SOON_DAYS) {
    changes.push({ type: 'expire_soon', days_until_expiry: days, expires_at: current.expires_at! });
  }
  return { changes, signalChanges: signals.length, scoreChanges: scores.length };
}
