/**
 * The GraphQL door's limits and error hygiene, as yoga/envelop plugins (`createGraphQLGuards`):
 *
 * - graphql-armor: tokens (while the document is parsed: a 950 KB document of 50 000
 *   directives, or a query nested 3000 deep, stops at the first token over the limit), depth,
 *   aliases, directives; "Did you mean" hints masked when suggestions are off.
 * - the cost limit of `./cost.ts` (rows and work, with variables), before execution.
 * - introspection off when configured (graphql's NoSchemaIntrospectionCustomRule).
 * - every error carries `extensions.code`: the limits QUERY_TOO_COMPLEX (with `limit`, `max`,
 *   `found`), request errors yoga leaves uncoded BAD_REQUEST, variable errors BAD_USER_INPUT,
 *   field errors nobody translated INTERNAL_SERVER_ERROR (their message masked by yoga).
 *
 * Each refusal is a 400 answered before any resolver runs.
 */
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext } from 'graphql';
import { createGraphQLError, handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import type { GraphQLConfig } from '../config.js';
import { truncateForEcho } from '../services/input.errors.js';
import { DEFAULT_COST_WEIGHTS, estimateCost, UnpricedQueryError, type CostWeights } from './cost.js';

export type LimitName = 'tokens' | 'depth' | 'aliases' | 'directives' | 'cost' | 'rows';

const VARIABLE_NAMES: Record<LimitName, string> = {
  tokens: 'SCOUT_GRAPHQL_MAX_TOKENS',
  depth: 'SCOUT_GRAPHQL_MAX_DEPTH',
  aliases: 'SCOUT_GRAPHQL_MAX_ALIASES',
  directives: 'SCOUT_GRAPHQL_MAX_DIRECTIVES',
  cost: 'SCOUT_GRAPHQL_MAX_COST',
  rows: 'SCOUT_GRAPHQL_MAX_ROWS',
};

/** A request over one of the limits: 400, `extensions.code` QUERY_TOO_COMPLEX. */
export function limitError(limit: LimitName, max: number, found: number | undefined, message: string): GraphQLError {
  return createGraphQLError(`${message} (limit: ${VARIABLE_NAMES[limit]}=${max})`, {
    extensions: { code: 'QUERY_TOO_COMPLEX', limit, max, ...(found === undefined ? {} : { found }), http: { status: 400 } },
  }) as GraphQLError;
}

/** armor's "Directives limit of 50 exceeded, found 51." -> 51. */
const foundIn = (error: GraphQLError) => {
  const match = /found (\d+)/.exec(error.message);
  return match ? Number(match[1]) : undefined;
};

/** armor rejection -> our coded error: reported to validation (or thrown while parsing). */
function reject(limit: LimitName, max: number, what: string) {
  return [
    (context: ValidationContext | null, error: GraphQLError) => {
      const found = foundIn(error);
      const coded = limitError(limit, max, found, `${what}: at most ${max}${found === undefined ? '' : `, found ${found}`}`);
      if (context) context.reportError(coded);
      else throw coded;
    },
  ];
}

const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/** Longest GraphQL error message sent (input echoed in it is cut). */
const MAX_MESSAGE_CHARS = 300;

/** Give an error the `extensions.code` it lacks (and drop suggestions when asked). */
function codeError(error: unknown, suggestions: boolean): void {
  if (!(error instanceof GraphQLError)) return;
  const stripped = suggestions ? error.message : error.message.replace(SUGGESTION, '');
  // graphql-js echoes a bad variable whole ("got invalid value { ...1 MB... }"): 300 characters
  const shown = truncateForEcho(stripped, MAX_MESSAGE_CHARS);
  if (shown !== error.message) error.message = shown;
  const extensions = error.extensions as Record<string, unknown>;
  if (typeof extensions.code === 'string') return;
  // a field error nobody translated is a bug of ours; an error before execution is the request's
  if (error.path) extensions.code = 'INTERNAL_SERVER_ERROR';
  else extensions.code = /^Variable "\$/.test(error.message) ? 'BAD_USER_INPUT' : 'BAD_REQUEST';
}

/**
 * A refusal by a limit is a 400 whatever the client accepts: yoga marks request errors as
 * "spec" errors, which the GraphQL-over-HTTP spec answers 200 under `application/json`.
 */
function forceLimitStatus(error: unknown): void {
  if (!(error instanceof GraphQLError) || error.extensions.code !== 'QUERY_TOO_COMPLEX') return;
  const http = error.extensions.http as { status?: number; spec?: boolean } | undefined;
  if (http) {
    http.status = 400;
    http.spec = false;
  }
}

function codeResult(result: unknown, suggestions: boolean) {
  const errors = (result as { errors?: unknown[] } | null)?.errors;
  if (!Array.isArray(errors)) return;
  for (const error of errors) {
    codeError(error, suggestions);
    forceLimitStatus(error);
  }
}

export interface GraphQLGuardOptions {
  limits: Pick<GraphQLConfig, 'maxTokens' | 'maxDepth' | 'maxAliases' | 'maxDirectives' | 'maxCost' | 'maxRows' | 'introspection' | 'suggestions'>;
  /** Prices of work and list bounds (the largest bulk list comes from SCOUT_MAX_BULK). */
  weights?: Partial<CostWeights>;
}

/** The plugins to give yoga (`plugins: createGraphQLGuards(...)`); also apply to graphql-ws. */
export function createGraphQLGuards({ limits, weights }: GraphQLGuardOptions): Plugin[] {
  const prices: CostWeights = { ...DEFAULT_COST_WEIGHTS, ...weights };
  const armor = EnvelopArmorPlugin({
    maxTokens: { n: limits.maxTokens, propagateOnRejection: true, onReject: reject('tokens', limits.maxTokens, 'too many tokens in the document; pass long lists as variables') },
    maxDepth: { n: limits.maxDepth, propagateOnRejection: false, onReject: reject('depth', limits.maxDepth, 'query too deep') },
    maxAliases: { n: limits.maxAliases, propagateOnRejection: false, onReject: reject('aliases', limits.maxAliases, 'too many aliases') },
    maxDirectives: { n: limits.maxDirectives, propagateOnRejection: false, onReject: reject('directives', limits.maxDirectives, 'too many directives') },
    // our own cost estimate (below) sees variables and prices the mutations
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: !limits.suggestions, mask: '' },
  }) as Plugin;

  /** The estimate of a request, or the error that refuses it. */
  function priceCheck(args: { schema: any; document: any; variableValues?: any; operationName?: string | null }): GraphQLError | undefined {
    let estimate;
    try {
      estimate = estimateCost(args.schema, args.document, args.variableValues ?? undefined, args.operationName ?? undefined, prices);
    } catch (error) {
      if (error instanceof UnpricedQueryError) return limitError('cost', limits.maxCost, undefined, 'query too large to price');
      return undefined; // bad variables: execution reports them
    }
    if (estimate.rows > limits.maxRows) {
      return limitError('rows', limits.maxRows, estimate.rows, `the response could hold ${estimate.rows} objects, more than ${limits.maxRows}; ask for smaller pages (first)`);
    }
    if (estimate.cost > limits.maxCost) {
      return limitError('cost', limits.maxCost, estimate.cost, `estimated cost ${estimate.cost} is over ${limits.maxCost} (a scanDomain costs ${prices.scan}, a startBulkScan ${prices.job} plus ${prices.domain} per domain, each returned object 1)`);
    }
    return undefined;
  }

  const guard: Plugin = {
    onRequestParse({ request, requestParser, endResponse }) {
      // yoga answers a body it cannot read (text/plain, a form without a parser) with a bare 415
      if (requestParser) return;
      const type = request.headers.get('content-type') || '(none)';
      const reason = `Unsupported Content-Type ${JSON.stringify(type.slice(0, 80))}: send GraphQL as POST application/json (or GET with ?query=)`;
      endResponse(Response.json({ errors: [{ message: reason, extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }], detail: reason }, { status: 415 }));
    },
    onParse() {
      // yoga codes parse errors only for HTTP requests; the WebSocket door gets the same code
      return ({ result }) => {
        if (result instanceof GraphQLError && typeof result.extensions.code !== 'string') {
          (result.extensions as Record<string, unknown>).code = 'GRAPHQL_PARSE_FAILED';
        }
        if (result instanceof GraphQLError) codeError(result, limits.suggestions);
      };
    },
    onValidate({ addValidationRule }) {
      // (yoga codes validation errors GRAPHQL_VALIDATION_FAILED itself)
      if (!limits.introspection) addValidationRule(NoSchemaIntrospectionCustomRule);
    },
    onExecute({ args, setResultAndStopExecution }) {
      const refused = priceCheck(args);
      if (refused) {
        setResultAndStopExecution({ errors: [refused] });
        return;
      }
      return {
        onExecuteDone: (payload) =>
          handleStreamOrSingleExecutionResult(payload, ({ result }) => {
            codeResult(result, limits.suggestions);
          }),
      };
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = priceCheck(args);
      if (refused) {
        setResultAndStopExecution({ errors: [refused] });
        return;
      }
      return {
        onSubscribeResult: (payload) =>
          handleStreamOrSingleExecutionResult(payload, ({ result }) => {
            codeResult(result, limits.suggestions);
          }),
      };
    },
    onResultProcess({ result, resultProcessor, setResultProcessor }) {
      // nothing the client accepts (e.g. a browser's text/html with GraphiQL off): yoga would
      // answer a bare 406
      if (!resultProcessor) {
        const reason = 'Not Acceptable: GraphQL answers application/json, application/graphql-response+json or text/event-stream (and text/html with GraphiQL, when SCOUT_GRAPHIQL is on)';
        setResultProcessor(() => Response.json({ errors: [{ message: reason, extensions: { code: 'NOT_ACCEPTABLE' } }], detail: reason }, { status: 406 }), 'application/json');
        return;
      }
      // request errors (parse, JSON body, ...) reach the client without passing execute
      if (Array.isArray(result)) for (const one of result) codeResult(one, limits.suggestions);
      else if (!(Symbol.asyncIterator in (result as object))) codeResult(result, limits.suggestions);
    },
  };
  return [armor, guard];
}
