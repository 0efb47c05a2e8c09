/**
 * Service processes for fault tests: `npm start` (tsx src/main.ts) in its own process group, a
 * private redis-server on its own port (never the shared one), and a few HTTP helpers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const tempDir = (name: string) => mkdtempSync(path.join(tmpdir(), `scout-${name}-`));

/** A free TCP port on 127.0.0.1 (bound, read, released). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

export interface ServiceProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Signal the whole process group (tsx and the node process it runs). */
  signal(sig: NodeJS.Signals): void;
  /** SIGKILL the group and wait until it is gone. */
  kill(): Promise<void>;
}

/** Spawn `tsx <entry>` detached (its own process group) with exactly `env` on top of PATH/HOME. */
export function spawnService(entry: string, env: Record<string, string | undefined>): ServiceProcess {
  const clean: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) clean[k] = v;
  // node with tsx's loader, not the tsx CLI: no relaying parent process between a signal and the service
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: ROOT, env: clean, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      child.kill(sig);
    }
  };
  return {
    child,
    output: () => output,
    exited,
    signal,
    async kill() {
      signal('SIGKILL');
      await exited;
      // the grandchild dies with the group: wait until no process of it is left
      for (let i = 0; i < 250; i++) {
        try {
          process.kill(-child.pid!, 0);
        } catch {
          return;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/** Wait until `text` appears in the output; fails early if the process exits. */
export async function waitForOutput(p: ServiceProcess, text: string | RegExp, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void p.exited.then(() => (exited = true));
  for (;;) {
    const out = p.output();
    if (typeof text === 'string' ? out.includes(text) : text.test(out)) return;
    if (exited) throw new Error(`process exited before printing ${text}:\n${out.slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`no ${text} within ${timeoutMs} ms:\n${out.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `npm start` (API + in-process worker) on 127.0.0.1:port; resolves once it serves. */
export async function startApi(env: Record<string, string | undefined>, timeoutMs = 60_000): Promise<ServiceProcess> {
  const p = spawnService('src/main.ts', { ...env, LOG_LEVEL: 'info' });
  await waitForOutput(p, 'domain-scout API on', timeoutMs);
  return p;
}

export interface PrivateRedis {
  port: number;
  url: string;
  dir: string;
  process: ChildProcess;
  /** SIGKILL, no shutdown save. */
  kill(): Promise<void>;
  /** Start again on the same port and directory (the AOF brings the data back). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A redis-server of the test's own, with the append-only file on (as docker-compose runs it). */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = tempDir('redis');
  const start = async () => {
    const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec'], { stdio: 'ignore' });
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {}); // refused until the server is up: the loop below retries
    for (let i = 0; ; i++) {
      try {
        await client.connect();
        // the AOF is loaded before PING answers PONG (LOADING errors until then)
        await client.ping();
        break;
      } catch {
        if (i > 200) throw new Error(`private redis on ${port} did not start`);
        client.disconnect();
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    client.disconnect();
    return p;
  };
  const redis: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    process: await start(),
    async kill() {
      const exited = new Promise((r) => redis.process.once('exit', r));
      redis.process.kill('SIGKILL');
      await exited;
    },
    async restart() {
      redis.process = await start();
    },
    async stop() {
      if (redis.process.exitCode === null && redis.process.signalCode === null) await redis.kill();
    },
  };
  return redis;
}

/** JSON over HTTP to a spawned API. */
export async function http<T = any>(base: string, pathname: string, body?: unknown): Promise<{ status: number; json: T }> {
  const response = await fetch(`${base}${pathname}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, json: json as T };
}
