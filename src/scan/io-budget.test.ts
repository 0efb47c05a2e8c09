import { describe, expect, it } from 'vitest';
import { BudgetExhaustedError, createIoBudget } from './io-budget.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('createIoBudget', () => {
  it('a sliver of a few milliseconds left counts as spent (a timer that fired early costs no extra attempt)', () => {
    const budget = createIoBudget(600);
    budget.charge(597);
    expect(budget.remainingMs).toBe(0);
    expect(() => budget.throwIfExhausted()).toThrow(BudgetExhaustedError);
    const roomy = createIoBudget(600);
    roomy.charge(500);
    expect(roomy.remainingMs).toBe(100);
  });

  it('charges only the time spent inside steps, not the time between them', async () => {
    const budget = createIoBudget(300);
    await budget.spend(() => sleep(20));
    await sleep(200); // e.g. waiting for a rate-limit token
    // had the wait been charged, less than 80 ms would be left
    expect(budget.remainingMs).toBeGreaterThan(150);
  });

  it('aborts a step that outlives the budget and refuses further steps', async () => {
    const budget = createIoBudget(50);
    await expect(budget.spend(() => sleep(200))).rejects.toBeInstanceOf(BudgetExhaustedError);
    await expect(budget.spend(async () => 1)).rejects.toBeInstanceOf(BudgetExhaustedError);
  });

  it('charges a parent budget too and stops at whichever runs out first', async () => {
    const parent = createIoBudget(60);
    const a = createIoBudget(1000, undefined, parent);
    const b = createIoBudget(1000, undefined, parent);
    await a.spend(() => sleep(40));
    expect(b.remainingMs).toBeLessThanOrEqual(25);
    await expect(b.spend(() => sleep(200))).rejects.toMatchObject({ budgetMs: 60 });
  });
});
