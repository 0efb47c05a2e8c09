/**
 * A time budget counted in upstream I/O time, not wall-clock time: waiting for a rate-limit
 * token does not spend it. That keeps the per-domain budgets (DNS 10 s, WHOIS 5 s) meaningful
 * when many domains share a small query budget and queue for tokens.
 */
export interface IoBudget {
  readonly remainingMs: number;
  /**
   * Throw BudgetExhaustedError when nothing is left: checked before waiting for a rate-limit
   * token or pause, so a spent budget fails at once instead of after the wait.
   */
  throwIfExhausted(): void;
  /** Run one I/O step with a signal that aborts when the budget runs out; time spent is charged. */
  spend<T>(step: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

export interface ChargeableBudget {
  readonly remainingMs: number;
  readonly budgetMs: number;
  charge(ms: number): void;
}

/**
 * Less than this left counts as spent: no upstream answers that fast, and a timer may fire a
 * little early, leaving a sliver that would cost one more attempt for nothing.
 */
const MIN_USEFUL_MS = 5;

export class BudgetExhaustedError extends Error {
  constructor(readonly budgetMs: number) {
    super(`time budget of ${budgetMs} ms used up`);
    this.name = 'BudgetExhaustedError';
  }
}

/**
 * @param parent a wider budget this one is part of (the per-domain budget over the DNS and
 *   WHOIS budgets): every step is charged to both and stops at whichever runs out first.
 */
export function createIoBudget(budgetMs: number, outer?: AbortSignal, parent?: ChargeableBudget, now: () => number = performance.now.bind(performance)): IoBudget & ChargeableBudget {
  let spent = 0;
  // name the budget that binds, so the error says which one ran out
  const bindingLimitMs = () => (parent && parent.remainingMs < budgetMs - spent ? parent.budgetMs : budgetMs);
  return {
    get remainingMs() {
      const left = Math.min(budgetMs - spent, parent ? parent.remainingMs : Infinity);
      return left < MIN_USEFUL_MS ? 0 : left;
    },
    charge(ms: number) {
      spent += ms;
      parent?.charge(ms);
    },
    throwIfExhausted() {
      if (this.remainingMs <= 0) throw new BudgetExhaustedError(bindingLimitMs());
    },
    async spend<T>(step: (signal: AbortSignal) => Promise<T>): Promise<T> {
      outer?.throwIfAborted();
      this.throwIfExhausted();
      const remaining = this.remainingMs;
      const limitMs = bindingLimitMs();
      // One controller and a cleared timer per step, not AbortSignal.timeout/any: on Node 20 an
      // any() signal whose timeout source was collected before firing is never released, and
      // it keeps every listener (the resolver, the budgets) alive with it: a leak per query.
      const controller = new AbortController();
      const onOuterAbort = () => controller.abort(outer!.reason);
      outer?.addEventListener('abort', onOuterAbort, { once: true });
      const timer = setTimeout(() => controller.abort(new BudgetExhaustedError(limitMs)), Math.ceil(remaining));
      const started = now();
      try {
        return await new Promise<T>((resolve, reject) => {
          controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
          step(controller.signal).then(resolve, reject);
        });
      } finally {
        clearTimeout(timer);
        outer?.removeEventListener('abort', onOuterAbort);
        this.charge(now() - started);
      }
    },
    budgetMs,
  };
}
