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
  /**
   * `spend` for a step that takes no signal because it ends on its own timeout (a DNS query):
   * it rejects the same way when the budget runs out or the outer signal aborts, and the step
   * is left to end by itself. Saves the AbortController per step (the hot path of every scan).
   */
  race<T>(step: () => Promise<T>): Promise<T>;
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
 * One 'abort' listener per outer signal, shared by every step running under it (a unit's
 * signal is shared by all its domains in flight, and each of their queries is a step): adding
 * and removing an EventTarget listener per query is dear, a Set entry is not. The Set lives as
 * long as the signal (a WeakMap entry), and each step takes its entry out when it settles.
 */
const stepsByOuter = new WeakMap<AbortSignal, Set<(reason: unknown) => void>>();

function onAbortOf(outer: AbortSignal, onAbort: (reason: unknown) => void): () => void {
  let steps = stepsByOuter.get(outer);
  if (!steps) {
    const created = new Set<(reason: unknown) => void>();
    const abortAll = () => {
      for (const step of [...created]) step(outer.reason);
      created.clear();
    };
    outer.addEventListener('abort', abortAll, { once: true });
    stepsByOuter.set(outer, (steps = created));
  }
  const registered = steps;
  registered.add(onAbort);
  return () => registered.delete(onAbort);
}

/**
 * One budget: a class, so the three budgets of every domain share their methods instead of
 * each carrying a set of closures (the hot path of every scan).
 */
class IoBudgetImpl implements IoBudget, ChargeableBudget {
  private spent = 0;

  constructor(
    readonly budgetMs: number,
    private readonly outer: AbortSignal | undefined,
    private readonly parent: ChargeableBudget | undefined,
    private readonly now: () => number,
  ) {}

  get remainingMs() {
    const left = Math.min(this.budgetMs - this.spent, this.parent ? this.parent.remainingMs : Infinity);
    return left < MIN_USEFUL_MS ? 0 : left;
  }

  charge(ms: number) {
    this.spent += ms;
    this.parent?.charge(ms);
  }

  throwIfExhausted() {
    if (this.remainingMs <= 0) throw new BudgetExhaustedError(this.bindingLimitMs());
  }

  spend<T>(step: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    return this.run(() => step(controller.signal), controller);
  }

  race<T>(step: () => Promise<T>): Promise<T> {
    return this.run(step);
  }

  /** The budget that binds, so the error says which one ran out. */
  private bindingLimitMs() {
    return this.parent && this.parent.remainingMs < this.budgetMs - this.spent ? this.parent.budgetMs : this.budgetMs;
  }

  /**
   * Run `step` against the budget: settle with it, or reject when the budget runs out (a timer)
   * or `outer` aborts, whichever comes first; the time until then is charged. `controller`
   * (spend) is aborted with the same reason, so a step that listens to it stops.
   */
  private run<T>(step: () => Promise<T>, controller?: AbortController): Promise<T> {
    const { outer } = this;
    try {
      outer?.throwIfAborted();
      this.throwIfExhausted();
    } catch (error) {
      return Promise.reject(error);
    }
    const remaining = this.remainingMs;
    const limitMs = this.bindingLimitMs();
    // One cleared timer per step, not AbortSignal.timeout/any: on Node 20 an any() signal whose
    // timeout source was collected before firing is never released, and it keeps every
    // listener (the resolver, the budgets) alive with it: a leak per query.
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const started = this.now();
      const settle = () => {
        if (settled) return false;
        settled = true;
        clearTimeout(timer);
        stopWatching?.();
        this.charge(this.now() - started);
        return true;
      };
      const fail = (reason: unknown) => {
        if (!settle()) return;
        reject(reason);
        controller?.abort(reason);
      };
      const stopWatching = outer ? onAbortOf(outer, fail) : undefined;
      const timer = setTimeout(() => fail(new BudgetExhaustedError(limitMs)), Math.ceil(remaining));
      let work: Promise<T>;
      try {
        work = Promise.resolve(step());
      } catch (error) {
        fail(error);
        return;
      }
      work.then((value) => {
        if (settle()) resolve(value);
      }, fail);
    });
  }
}

/**
 * @param parent a wider budget this one is part of (the per-domain budget over the DNS and
 *   WHOIS budgets): every step is charged to both and stops at whichever runs out first.
 */
export function createIoBudget(budgetMs: number, outer?: AbortSignal, parent?: ChargeableBudget, now: () => number = performanceNow): IoBudget & ChargeableBudget {
  return new IoBudgetImpl(budgetMs, outer, parent, now);
}

const performanceNow = () => performance.now();
