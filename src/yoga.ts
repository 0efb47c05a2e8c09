/**
 * The GraphQL door: one yoga instance over the Pothos schema. Reached only through the HTTP app
 * (src/server.ts), which has already checked the key and passes the principal in the server
 * context, or through the WebSocket door (src/ws.ts), which does the same.
 */
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useStreamingMultipart } from './upload/graphql-multipart.js';
import { createYoga, type Plugin } from 'graphql-yoga';
import { graphiqlOptions, renderGraphiQL } from './http/graphiql.js';
import type { GraphQLSchema } from 'graphql';
import { LOCAL_PRINCIPAL, type Principal } from './auth/principal.js';
import type { Logger } from './logger.js';
import type { GraphQLContext } from './schema/builder.js';
import type { Services } from './services/services.js';

/** What the HTTP and WebSocket doors hand yoga besides the request. */
export interface YogaServerContext {
  principal?: Principal;
}

export interface YogaOptions {
  schema: GraphQLSchema;
  services: Services;
  logger: Logger;
  /** With keys configured a principal must come from a door; without, in-process calls are local. */
  keysConfigured: boolean;
  /** Extra envelop plugins (limits, metrics). */
  plugins?: Plugin[];
  graphiql?: boolean;
}

export function createYogaServer({ schema, services, logger, keysConfigured, plugins = [], graphiql = true }: YogaOptions) {
  return createYoga<YogaServerContext, GraphQLContext>({
    schema,
    // served whole from here (no CDN), with example operations and the key header when keys are on
    graphiql: graphiql ? graphiqlOptions({ keysConfigured }) : false,
    renderGraphiQL,
    landingPage: false,
    // yoga's own byte cap (25 MB by default) would cut a streamed upload off midway; bodies are
    // capped before yoga by src/http/body-limit.ts (SCOUT_MAX_BODY_BYTES), uploads by their entries
    // (src/services/bulk-stream.ts), WebSocket messages by src/ws.ts
    maxRequestBodySize: false,
    plugins: [
      // a browser's "simple" request (form POST, plain GET) cannot run an operation: it needs a
      // header that forces a CORS preflight (any custom header, the API key included)
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'x-api-key', 'apollo-require-preflight'] }),
      // a file upload reaches its resolver as a stream of the request body, not held whole
      useStreamingMultipart(),
      ...plugins,
    ],
    logging: {
      debug: (...args) => logger.debug(args),
      info: (...args) => logger.info(args),
      warn: (...args) => logger.warn(args),
      error: (...args) => logger.error(args),
    },
    context: ({ request, principal }) => {
      if (!principal && keysConfigured) throw new Error('GraphQL reached without a principal while API keys are configured');
      return { services, signal: request?.signal, principal: principal ?? LOCAL_PRINCIPAL };
    },
  });
}

export type YogaServer = ReturnType<typeof createYogaServer>;
