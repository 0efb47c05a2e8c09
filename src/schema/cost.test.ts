import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DEFAULT_COST_WEIGHTS, estimateCost } from './cost.js';
import { buildSchema } from './index.js';

const schema = buildSchema();
const estimate = (query: string, variables?: Record<string, unknown>) => estimateCost(schema, parse(query), variables, undefined);

describe('estimateCost', () => {
  it('counts a page as its first argument, scalars as nothing', () => {
    expect(estimate('{ bulkScan(id: "a") { results(first: 1000) { items { domain score } } } }')).toEqual({ rows: 1002, cost: 1002 });
    // the schema default (100) when first is left out
    expect(estimate('{ bulkScan(id: "a") { results { items { domain } } } }').rows).toBe(102);
  });

  it('reads first from variables and caps it at the page maximum', () => {
    expect(estimate('query($n: Int) { leads(first: $n) { items { domain } } }', { n: 10 }).rows).toBe(11);
    expect(estimate('query($n: Int) { leads(first: $n) { items { domain } } }', { n: 2_000_000_000 }).rows).toBe(1001);
  });

  it('multiplies nested pages: every job of a page holds its results page', () => {
    const rows = estimate('{ bulkScans(first: 20) { items { results(first: 1000) { items { domain } } } } }').rows;
    expect(rows).toBe(1 + 20 * (1 + 1 + 1000 * 1));
  });

  it('bounds lists without first: a job may hold as many errors as the largest bulk list', () => {
    expect(estimate('{ bulkScan(id: "a") { errors { code } } }').rows).toBe(1 + DEFAULT_COST_WEIGHTS.maxBulk);
  });

  it('a full-size job with its rejected entries fits the default limits (the list pays for them)', () => {
    const d = Array.from({ length: 10_000 }, (_, i) => `d${i}.com`);
    const { rows, cost } = estimate('mutation($d: [String!]!) { startBulkScan(domains: $d) { total rejected { input error } job { id } } }', { d });
    expect(rows).toBe(1 + 1 + 1);
    expect(cost).toBe(DEFAULT_COST_WEIGHTS.job + 10_000 + rows);
  });

  it('prices a scanDomain as one scan and a startBulkScan per domain in its list', () => {
    const scans = estimate(`mutation { ${Array.from({ length: 1000 }, (_, i) => `s${i}: scanDomain(domain: "a.com") { domain }`).join(' ')} }`);
    expect(scans.cost).toBe(1000 * (DEFAULT_COST_WEIGHTS.scan + 1));
    const d = Array.from({ length: 500 }, (_, i) => `d${i}.com`);
    const bulks = estimate(`mutation($d: [String!]!) { ${Array.from({ length: 20 }, (_, i) => `b${i}: startBulkScan(domains: $d) { total }`).join(' ')} }`, { d });
    // each payload is one object
    expect(bulks.cost).toBe(20 * (DEFAULT_COST_WEIGHTS.job + 500 + 1));
    expect(bulks.rows).toBe(20);
  });

  it('prices a startBulkScanUpload as one job (its domains are counted by the quotas as they arrive)', () => {
    const one = estimate('mutation($f: File!) { startBulkScanUpload(file: $f) { total } }', { f: 'file' });
    expect(one.cost).toBe(DEFAULT_COST_WEIGHTS.job + one.rows);
    const many = estimate(`mutation($f: File!) { ${Array.from({ length: 15 }, (_, i) => `u${i}: startBulkScanUpload(file: $f) { total }`).join(' ')} }`, { f: 'file' });
    expect(many.cost).toBe(15 * (DEFAULT_COST_WEIGHTS.job + 1));
  });

  it('skips what @skip / @include leave out', () => {
    expect(estimate('query($no: Boolean!) { leads(first: 1000) @include(if: $no) { items { domain } } }', { no: false }).rows).toBe(0);
  });
});
