import { describe, expect, it } from 'vitest';
import { parseDmarc } from './dmarc.js';
import {
  commercialModelFor,
  daysUntil,
  priorityScoreFor,
  readinessScore,
  scoreLead,
  segmentFor,
  type ScoreInput,
} from './score.js';
import { parseSpf } from './spf.js';
import type { Provider } from './scan.types.js';

const NOW = new Date('2026-11-28T12:00:00Z');
const SPF = parseSpf('v=spf1 include:_spf.google.com ~all');
const REJECT = parseDmarc('v=DMARC1; p=reject');
const QUARANTINE = parseDmarc('v=DMARC1; p=quarantine');
const NONE = parseDmarc('v=DMARC1; p=none');

function input(overrides: Partial<ScoreInput> = {}): ScoreInput {
  return {
    provider: 'Google',
    mailGateway: null,
    hasMx: true,
    spf: SPF,
    dkim: true,
    dmarc: REJECT,
    expiresAt: null,
    now: NOW,
    ...overrides,
  };
}

describe('readiness score', () => {
  it.each([
    ['M365', 90],
    ['Google', 90],
    ['Yandex', 70],
    ['Zoho', 70],
    ['Amazon', 60],
    ['SendGrid', 60],
    ['Mailgun', 60],
    ['Hosting', 60],
    ['Local', 50],
    ['Unknown', 40],
  ] as const)('gives %s its provider points (+40 for SPF, DKIM and p=reject): %d', (provider, score) => {
    expect(readinessScore(input({ provider }))).toBe(score);
  });

  it('adds 10 for SPF and takes 10 without it', () => {
    expect(readinessScore(input({ spf: SPF }))).toBe(90);
    expect(readinessScore(input({ spf: null }))).toBe(70);
  });

  it('adds 10 for DKIM and takes 15 without it', () => {
    expect(readinessScore(input({ dkim: false }))).toBe(65);
  });

  it.each([
    ['reject', REJECT, 90],
    ['quarantine', QUARANTINE, 85],
    ['none', NONE, 60],
    ['no record', null, 70],
  ] as const)('scores DMARC %s', (_, dmarc, score) => {
    expect(readinessScore(input({ dmarc }))).toBe(score);
  });

  it('scores a DMARC record with an invalid p like no record', () => {
    expect(readinessScore(input({ dmarc: parseDmarc('v=DMARC1; p=bogus') }))).toBe(70);
  });

  it('scores the policy from p, not from sp', () => {
    expect(readinessScore(input({ dmarc: parseDmarc('v=DMARC1; sp=none; p=reject') }))).toBe(90);
  });

  it('takes 10 more from Hosting with neither SPF nor DKIM', () => {
    // 20 - 10 - 15 + 20 = 15, then -10.
    expect(readinessScore(input({ provider: 'Hosting', spf: null, dkim: false }))).toBe(5);
    // Local has no such penalty: 10 - 10 - 15 + 20.
    expect(readinessScore(input({ provider: 'Local', spf: null, dkim: false }))).toBe(5);
    expect(readinessScore(input({ provider: 'Hosting', spf: null, dkim: true }))).toBe(40);
    expect(readinessScore(input({ provider: 'Hosting', spf: SPF, dkim: false }))).toBe(35);
  });

  it('takes 5 for more than 3 SPF includes, counted from the parsed record', () => {
    const three = parseSpf('v=spf1 include:a.example include:b.example include:c.example -all');
    const four = parseSpf('v=spf1 include:a.example include:b.example include:c.example include:d.example -all');
    expect(readinessScore(input({ spf: three }))).toBe(90);
    expect(readinessScore(input({ spf: four }))).toBe(85);
  });

  it('clamps at 0', () => {
    expect(readinessScore(input({ provider: 'Local', spf: null, dkim: false, dmarc: NONE }))).toBe(0);
  });
});

describe('hard fail without MX', () => {
  it('scores 0, segment Skip, with the hard-fail reason', () => {
    const lead = scoreLead(input({ provider: 'Unknown', hasMx: false }));
    expect(lead).toMatchObject({
      score: 0,
      readiness_score: 0,
      segment: 'Skip',
      reason: 'Hard-fail: no MX record',
      priority_score: 7,
      technical_heat: 'Cold',
      commercial_segment: 'NO_GO',
      commercial_heat: 'LOW',
      priority_category: 'P6',
      priority_label: 'No-Go / Archive',
    });
  });

  it('applies even when SPF, DKIM and DMARC would score', () => {
    expect(scoreLead(input({ provider: 'M365', hasMx: false })).segment).toBe('Skip');
  });

  it('treats the Unknown provider as no MX', () => {
    expect(scoreLead(input({ provider: 'Unknown', hasMx: true })).reason).toBe('Hard-fail: no MX record');
  });

  it('still reports the tags', () => {
    expect(scoreLead(input({ provider: 'Unknown', hasMx: false, spf: null, dkim: false })).tags).toEqual([
      'security-risk',
    ]);
  });
});

describe('segment', () => {
  it('is Existing for M365 at any score', () => {
    expect(segmentFor('M365', 0)).toBe('Existing');
    expect(segmentFor('M365', 90)).toBe('Existing');
  });

  it.each(['Google', 'Yandex', 'Zoho', 'Hosting', 'Local', 'Amazon', 'SendGrid', 'Mailgun'] as const)(
    'is Migration for %s from 60',
    (provider) => {
      expect(segmentFor(provider, 60)).toBe('Migration');
    },
  );

  it('puts 59 in Cold and 60 in Migration', () => {
    expect(segmentFor('Google', 59)).toBe('Cold');
    expect(segmentFor('Google', 60)).toBe('Migration');
  });

  it('puts 39 in Skip and 40 in Cold for non-Local providers', () => {
    expect(segmentFor('Zoho', 39)).toBe('Skip');
    expect(segmentFor('Zoho', 40)).toBe('Cold');
    expect(segmentFor('Amazon', 40)).toBe('Cold');
  });

  it('puts Local in Cold from 5 to 59', () => {
    expect(segmentFor('Local', 4)).toBe('Skip');
    expect(segmentFor('Local', 5)).toBe('Cold');
    expect(segmentFor('Local', 39)).toBe('Cold');
    expect(segmentFor('Local', 59)).toBe('Cold');
    expect(segmentFor('Local', 60)).toBe('Migration');
  });

  it('leaves no gap between Cold and Migration for Hosting', () => {
    expect(segmentFor('Hosting', 45)).toBe('Cold');
    expect(segmentFor('Hosting', 35)).toBe('Skip');
  });

  it('is Skip for Unknown below 40', () => {
    expect(segmentFor('Unknown', 20)).toBe('Skip');
  });
});

describe('priority score', () => {
  it.each([
    ['Migration', 90, 1],
    ['Migration', 80, 1],
    ['Migration', 79, 2],
    ['Migration', 70, 2],
    ['Migration', 69, 3],
    ['Migration', 60, 3],
    ['Migration', 59, 4],
    ['Existing', 70, 3],
    ['Existing', 69, 4],
    ['Existing', 50, 4],
    ['Existing', 49, 5],
    ['Existing', 30, 5],
    ['Existing', 29, 6],
    ['Existing', 0, 6],
    ['Cold', 59, 5],
    ['Cold', 40, 5],
    ['Cold', 39, 6],
    ['Cold', 20, 6],
    ['Cold', 19, 7],
    ['Cold', 5, 7],
    ['Skip', 100, 7],
    ['Skip', 0, 7],
  ] as const)('%s at %d is priority %d', (segment, score, priority) => {
    expect(priorityScoreFor(segment, score)).toBe(priority);
  });
});

describe('commercial model', () => {
  it.each([
    ['Migration', 'Local', 60, 'Cold', 'GREENFIELD', 'HIGH', 'P1', 'High Potential Greenfield'],
    ['Migration', 'Hosting', 60, 'Cold', 'GREENFIELD', 'HIGH', 'P1', 'High Potential Greenfield'],
    ['Cold', 'Local', 5, 'Cold', 'GREENFIELD', 'HIGH', 'P1', 'High Potential Greenfield'],
    ['Cold', 'Local', 59, 'Cold', 'GREENFIELD', 'HIGH', 'P1', 'High Potential Greenfield'],
    ['Migration', 'Google', 70, 'Warm', 'COMPETITIVE', 'HIGH', 'P2', 'Competitive Takeover'],
    ['Migration', 'Zoho', 60, 'Warm', 'COMPETITIVE', 'HIGH', 'P2', 'Competitive Takeover'],
    ['Migration', 'Yandex', 60, 'Warm', 'COMPETITIVE', 'HIGH', 'P2', 'Competitive Takeover'],
    ['Existing', 'M365', 69, 'Hot', 'WEAK_PARTNER', 'HIGH', 'P3', 'Existing Microsoft but Weak Partner'],
    ['Existing', 'M365', 50, 'Hot', 'WEAK_PARTNER', 'HIGH', 'P3', 'Existing Microsoft but Weak Partner'],
    ['Existing', 'M365', 49, 'Hot', 'WEAK_PARTNER', 'MEDIUM', 'P3', 'Existing Microsoft but Weak Partner'],
    ['Existing', 'M365', 0, 'Hot', 'WEAK_PARTNER', 'MEDIUM', 'P3', 'Existing Microsoft but Weak Partner'],
    ['Existing', 'M365', 70, 'Hot', 'RENEWAL', 'MEDIUM', 'P4', 'Renewal Pressure'],
    ['Existing', 'M365', 90, 'Hot', 'RENEWAL', 'MEDIUM', 'P4', 'Renewal Pressure'],
    ['Cold', 'Google', 45, 'Cold', 'LOW_INTENT', 'LOW', 'P5', 'Low Intent / Long Nurturing'],
    ['Cold', 'Hosting', 40, 'Cold', 'LOW_INTENT', 'LOW', 'P5', 'Low Intent / Long Nurturing'],
    ['Migration', 'Amazon', 60, 'Cold', 'NO_GO', 'LOW', 'P6', 'No-Go / Archive'],
    ['Migration', 'SendGrid', 80, 'Cold', 'NO_GO', 'LOW', 'P6', 'No-Go / Archive'],
    ['Skip', 'Google', 30, 'Cold', 'NO_GO', 'LOW', 'P6', 'No-Go / Archive'],
    ['Skip', 'Local', 0, 'Cold', 'NO_GO', 'LOW', 'P6', 'No-Go / Archive'],
  ] as const)(
    '%s %s at %d: %s, %s, %s -> %s',
    (segment, provider, score, heat, commercialSegment, commercialHeat, category, label) => {
      expect(commercialModelFor(segment, provider as Provider, score)).toEqual({
        technical_heat: heat,
        commercial_segment: commercialSegment,
        commercial_heat: commercialHeat,
        priority_category: category,
        priority_label: label,
      });
    },
  );
});

describe('tags', () => {
  it('tags security-risk when there is neither SPF nor DKIM', () => {
    expect(scoreLead(input({ spf: null, dkim: false })).tags).toContain('security-risk');
    expect(scoreLead(input({ spf: null, dkim: true })).tags).not.toContain('security-risk');
  });

  it('tags migration-ready for Migration leads', () => {
    expect(scoreLead(input()).tags).toContain('migration-ready');
    expect(scoreLead(input({ provider: 'M365' })).tags).not.toContain('migration-ready');
  });

  it.each([
    ['2026-11-29', true],
    ['2026-12-27', true],
    ['2026-12-28', false],
    ['2026-11-28', false],
    ['2026-11-01', false],
    ['2030-01-01', false],
    ['2026-02-31', false],
    ['not a date', false],
    [null, false],
  ] as const)('tags expire-soon for expiry %s: %s', (expiresAt, tagged) => {
    expect(scoreLead(input({ expiresAt })).tags.includes('expire-soon')).toBe(tagged);
  });

  it('tags weak-spf when SPF is present and the DMARC policy is none', () => {
    expect(scoreLead(input({ dmarc: NONE })).tags).toContain('weak-spf');
    expect(scoreLead(input({ dmarc: NONE, spf: null })).tags).not.toContain('weak-spf');
    expect(scoreLead(input({ dmarc: null })).tags).not.toContain('weak-spf');
  });

  it('tags google-workspace for Google and local-mx for Local', () => {
    expect(scoreLead(input({ provider: 'Google' })).tags).toContain('google-workspace');
    expect(scoreLead(input({ provider: 'Local' })).tags).toContain('local-mx');
    expect(scoreLead(input({ provider: 'Zoho' })).tags).not.toContain('google-workspace');
  });

  it('tags gateway when a mail gateway is in front', () => {
    expect(scoreLead(input({ mailGateway: 'Mimecast' })).tags).toContain('gateway');
    expect(scoreLead(input()).tags).not.toContain('gateway');
  });

  it('lists tags in a fixed order', () => {
    const lead = scoreLead(
      input({ provider: 'Local', mailGateway: 'Mimecast', spf: null, dkim: false, expiresAt: '2026-12-01' }),
    );
    expect(lead.tags).toEqual(['security-risk', 'expire-soon', 'local-mx', 'gateway']);
  });
});

describe('daysUntil', () => {
  it('counts whole UTC calendar days from now', () => {
    expect(daysUntil('2026-11-29', NOW)).toBe(1);
    expect(daysUntil('2026-11-28', new Date('2026-11-28T23:59:59Z'))).toBe(0);
    expect(daysUntil('2026-11-27', NOW)).toBe(-1);
  });
});

describe('scoreLead', () => {
  it('reports readiness_score equal to the score', () => {
    const lead = scoreLead(input({ dkim: false }));
    expect(lead.score).toBe(65);
    expect(lead.readiness_score).toBe(65);
  });

  it('gives a reason that names segment, score and provider', () => {
    const { reason } = scoreLead(input({ provider: 'M365', mailGateway: 'Hornetsecurity' }));
    expect(reason).toBe('Existing lead with readiness score 90/100: mail runs on M365 behind Hornetsecurity.');
  });

  it('scores a whole Google lead', () => {
    expect(scoreLead(input())).toEqual({
      score: 90,
      segment: 'Migration',
      reason: 'Migration lead with readiness score 90/100: mail runs on Google.',
      readiness_score: 90,
      priority_score: 1,
      technical_heat: 'Warm',
      commercial_segment: 'COMPETITIVE',
      commercial_heat: 'HIGH',
      priority_category: 'P2',
      priority_label: 'Competitive Takeover',
      tags: ['migration-ready', 'google-workspace'],
    });
  });

  it('scores a weak self-hosted domain as a Cold greenfield', () => {
    const lead = scoreLead(input({ provider: 'Local', spf: SPF, dkim: false, dmarc: QUARANTINE }));
    expect(lead).toMatchObject({ score: 20, segment: 'Cold', priority_score: 6, priority_category: 'P1' });
  });
});
