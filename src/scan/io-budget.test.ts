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

  it('race: rejects when the budget runs out while the step goes on, and charges only up to then', async () => {
    const budget = createIoBudget(60);
    let finished = false;
    const step = sleep(150).then(() => (finished = true));
    await expect(budget.race(() => step)).rejects.toBeInstanceOf(BudgetExhaustedError);
    expect(finished).toBe(false);
    expect(budget.remainingMs).toBe(0);
    await step;
  });

  it('race and spend: an outer abort rejects with its reason at once; a step that throws is charged and rejects', async () => {
    const outer = new AbortController();
    const budget = createIoBudget(1000, outer.signal);
    let stepSignal: AbortSignal | undefined;
    const racing = budget.race(() => sleep(500));
    const spending = budget.spend((signal) => {
      stepSignal = signal;
      return sleep(500);
    });
    const t0 = performance.now();
    outer.abort(new Error('job cancelled'));
    await expect(racing).rejects.toThrow('job cancelled');
    await expect(spending).rejects.toThrow('job cancelled');
    expect(performance.now() - t0).toBeLessThan(100);
    expect(stepSignal?.aborted).toBe(true);
    await expect(budget.race(async () => 1)).rejects.toThrow('job cancelled');

    const plain = createIoBudget(1000);
    await expect(
      plain.race(() => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(plain.race(async () => 'ok')).resolves.toBe('ok');
    expect(plain.remainingMs).toBeGreaterThan(990);
  });
});
