/** The whole-scan corpus (test/fixtures/dns-cases.json, from the shared corpus). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SimCase } from '../../src/sim/sim.types.js';

export const CASES_PATH = fileURLToPath(new URL('../fixtures/dns-cases.json', import.meta.url));

export function loadCorpus(): SimCase[] {
  return (JSON.parse(readFileSync(CASES_PATH, 'utf8')) as { cases: SimCase[] }).cases;
}

/** The corpus was generated on this date; `expire-soon` and friends are relative to it. */
export const CORPUS_NOW = new Date('2026-11-28T12:00:00Z');
