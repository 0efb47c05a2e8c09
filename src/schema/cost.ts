/**
 * What a GraphQL request would cost, estimated from its document and variables before anything
 * runs (graphql-query-complexity walks the document; the estimators below price our fields).
 * Pure.
 *
 * - `rows`: an upper bound of the objects the response can hold. A field with a `first`
 *   argument holds that many of its children (capped at the page maximum, 1000; the default
 *   `first` when it is left out); a list without one holds its known bound (a job's errors: up
 *   to the largest bulk list; a lead's history: 100; anything else: 100; a bulk payload's
 *   rejected entries are paid by the domains sent). Scalars cost nothing: rows, not columns,
 *   fill memory.
 * - `cost`: rows plus the work the request starts: a `scanDomain` is one real scan
 *   ({@link CostWeights.scan}), a `startBulkScan` one job ({@link CostWeights.job}) plus one
 *   per domain in its list. So 1000 aliased `scanDomain`, or 20 aliased `startBulkScan` of 500
 *   domains, are refused before the first scan.
 */
import { getNamedType, getNullableType, isCompositeType, isListType, Kind, type DocumentNode, type GraphQLSchema } from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';

export interface CostWeights {
  /** One single-domain scan (`Mutation.scanDomain`). */
  scan: number;
  /** One bulk job (`Mutation.startBulkScan`), before its domains. */
  job: number;
  /** One queued domain. */
  domain: number;
  /** Largest bulk list: the bound of a job's errors and of a payload's rejected entries. */
  maxBulk: number;
  /** Largest page a `first` argument can ask for. */
  maxPage: number;
}

export const DEFAULT_COST_WEIGHTS: CostWeights = { scan: 5000, job: 2000, domain: 1, maxBulk: 10_000, maxPage: 1000 };

export interface CostEstimate {
  rows: number;
  cost: number;
}

/** A document too large to price (graphql-query-complexity's node cap). */
export class UnpricedQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnpricedQueryError';
  }
}

/** Bounds of lists without a `first` argument, by `Type.field`. A page's `items` hold `first`. */
function listBound(coordinate: string, weights: CostWeights): number {
  switch (coordinate) {
    case 'LeadPage.items':
    case 'BulkScanPage.items':
      return 1; // the page field's `first` already counted them
    case 'BulkScan.errors':
      return weights.maxBulk;
    case 'StartBulkScanPayload.rejected':
      return 1; // no longer than the list sent, whose domains the mutation already pays for
    case 'LeadWithHistory.history':
      return 100; // the repository's history limit
    default:
      return 100;
  }
}

function pageOf(first: unknown, weights: CostWeights): number {
  const n = typeof first === 'number' && Number.isFinite(first) ? Math.trunc(first) : weights.maxPage;
  return Math.min(Math.max(n, 1), weights.maxPage);
}

function estimator(withWork: boolean, weights: CostWeights): ComplexityEstimator {
  return ({ type, field, args, childComplexity }) => {
    const coordinate = `${type.name}.${field.name}`;
    let work = 0;
    if (withWork && coordinate === 'Mutation.scanDomain') work = weights.scan;
    if (withWork && coordinate === 'Mutation.startBulkScan') {
      const domains = Array.isArray(args.domains) ? args.domains.length : weights.maxBulk;
      work = weights.job + weights.domain * domains;
    }
    // an upload is one job too; its domains are unknown until the file is read (the quotas count them then)
    if (withWork && coordinate === 'Mutation.startBulkScanUpload') work = weights.job;
    if (!isCompositeType(getNamedType(field.type))) return work;
    if ('first' in args) return work + 1 + pageOf(args.first, weights) * childComplexity;
    if (isListType(getNullableType(field.type))) return work + listBound(coordinate, weights) * (1 + childComplexity);
    return work + 1 + childComplexity;
  };
}

/**
 * Rows and cost of the operation `operationName` (or the only one) of a validated document.
 * Throws {@link UnpricedQueryError} for a document too large to walk; other errors (bad
 * variables) are left to execution to report.
 */
export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
  weights: CostWeights = DEFAULT_COST_WEIGHTS,
): CostEstimate {
  const run = (withWork: boolean) => {
    try {
      return getComplexity({ schema, query: document, variables: variables ?? {}, operationName, estimators: [estimator(withWork, weights)] });
    } catch (error) {
      if (error instanceof Error && /maximum allowed number of nodes/.test(error.message)) throw new UnpricedQueryError(error.message);
      throw error;
    }
  };
  // work is priced on mutation fields only: a query or subscription costs its rows (one walk)
  const priced = document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION && d.operation === 'mutation');
  const rows = run(false);
  return { rows, cost: priced ? run(true) : rows };
}
