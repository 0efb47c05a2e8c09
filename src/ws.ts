/** GraphQL over WebSocket (`graphql-ws` protocol) on the same /graphql path, through yoga's envelop. */
import type { IncomingMessage, Server } from 'node:http';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { createKeyMatcher, type ApiKey } from './auth/api-keys.js';
import type { Principal } from './auth/principal.js';
import { presentedKey } from './http/auth.js';
import type { App } from './server.js';

// yoga's enveloped execute/subscribe, handed through rootValue (the pattern of yoga's docs)
interface EnvelopedRoot {
  execute: (args: ExecutionArgs) => never;
  subscribe: (args: ExecutionArgs) => never;
}

const socketSignals = new WeakMap<WebSocket, AbortSignal>();
function socketSignal(socket: WebSocket): AbortSignal {
  let signal = socketSignals.get(socket);
  if (!signal) {
    const controller = new AbortController();
    socket.once('close', () => controller.abort());
    signal = controller.signal;
    socketSignals.set(socket, signal);
  }
  return signal;
}

/**
 * Whether a browser page may open a socket: CORS does not cover WebSockets, so without this any
 * page a user opens could run mutations on a keyless API on localhost. A request with no
 * `Origin` (not a browser), from the API's own origin, or from SCOUT_CORS_ORIGINS passes.
 */
export function allowedSocketOrigin(origin: string | undefined, host: string | undefined, allowList: readonly string[]): boolean {
  if (!origin) return true;
  if (allowList.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

/** The principal of a socket, set once its `connection_init` passed the key check. */
const socketPrincipals = new WeakMap<WebSocket, Principal>();

/** Largest WebSocket message (a GraphQL document with its variables); ws would take 100 MiB. */
export const WS_MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

export function attachWebSocket(server: Server, app: App, apiKeys: ApiKey[] = [], corsOrigins: readonly string[] = [], maxMessageBytes = WS_MAX_MESSAGE_BYTES) {
  const wss = new WebSocketServer({
    server,
    // a bigger frame closes the socket (1009) before it is buffered whole
    maxPayload: maxMessageBytes,
    path: app.yoga.graphqlEndpoint,
    // another site's page is refused at the upgrade (403), before any message
    verifyClient: ({ origin, req }: { origin?: string; req: IncomingMessage }, done: (ok: boolean, status?: number, reason?: string) => void) =>
      allowedSocketOrigin(origin, req.headers.host, corsOrigins) ? done(true) : done(false, 403, 'Origin not allowed (SCOUT_CORS_ORIGINS)'),
  });
  const match = createKeyMatcher(apiKeys);
  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
      // the key comes in the upgrade request's headers or the connection_init payload
      // ({ apiKey } or { 'x-api-key' }); a socket without a valid one is closed with 4403
      onConnect: (ctx) => {
        const address = ctx.extra.request.socket.remoteAddress ?? 'local';
        if (apiKeys.length === 0) {
          socketPrincipals.set(ctx.extra.socket, { keyName: null, address });
          return true;
        }
        const params = (ctx.connectionParams ?? {}) as Record<string, unknown>;
        const fromParams = params.apiKey ?? params['x-api-key'] ?? params['X-API-Key'];
        const headers = ctx.extra.request.headers;
        const fromHeaders = presentedKey({ get: (name) => (typeof headers[name] === 'string' ? (headers[name] as string) : null) });
        const keyName = match(typeof fromParams === 'string' ? fromParams : fromHeaders);
        if (keyName === null) return false;
        socketPrincipals.set(ctx.extra.socket, { keyName, address });
        return true;
      },
      onSubscribe: async (ctx, _id, params) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = app.yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          principal: socketPrincipals.get(ctx.extra.socket),
        });
        let document;
        try {
          document = parse(params.query);
        } catch (error) {
          // a syntax error or a document over the token limit: an `error` message, as over HTTP
          // (thrown, graphql-ws would close the whole socket with 4500)
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const args = {
          schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          // the socket's life is the subscription's abort signal (HTTP requests have their own)
          contextValue: { ...(await contextFactory()), signal: socketSignal(ctx.extra.socket) },
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        if (errors.length) return errors;
        return args;
      },
    },
    wss,
  );
  return {
    async close() {
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
