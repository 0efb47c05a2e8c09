/**
 * A TCP proxy in front of a real server, to cut the connection like an outage of that server
 * would (connections reset, new ones refused) without stopping the server other tests share.
 */
import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** Reset every connection and refuse new ones. */
  cut(): Promise<void>;
  /** Accept connections again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const createServer = () =>
    net.createServer((client) => {
      const upstream = net.connect({ host: targetHost, port: targetPort });
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  let server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
  let cut = false;
  return {
    port,
    async cut() {
      cut = true;
      const closing = closeServer();
      for (const s of sockets) s.resetAndDestroy();
      await closing;
    },
    async restore() {
      if (!cut) return;
      server = createServer();
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      cut = false;
    },
    async close() {
      for (const s of sockets) s.destroy();
      if (!cut) await closeServer();
    },
  };
}
