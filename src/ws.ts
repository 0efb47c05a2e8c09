/** GraphQL over WebSocket (`graphql-ws` protocol) on the same /graphql path, through yoga's envelop. */
import type { Server } from 'node:http';
import type { ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
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

export function attachWebSocket(server: Server, app: App, apiKeys: string[] = []) {
  const wss = new WebSocketServer({ server, path: app.yoga.graphqlEndpoint });
  const keys = new Set(apiKeys);
  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
      onConnect: (ctx) => {
        if (keys.size === 0) return true;
        const header = ctx.extra.request.headers['x-api-key'];
        const param = (ctx.connectionParams as Record<string, unknown> | undefined)?.apiKey;
        return keys.has(String(header ?? param ?? ''));
      },
      onSubscribe: async (ctx, _id, params) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = app.yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
        });
        const args = {
          schema,
          operationName: params.operationName,
          document: parse(params.query),
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
