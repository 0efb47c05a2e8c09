/**
 * The database the bench's service processes use. PostgreSQL when one answers (DATABASE_URL, or
 * the local 127.0.0.1:5432), in a schema of its own per stack, dropped afterwards; the embedded
 * PGlite otherwise. PGlite alone costs ~700 MB of RSS in the API process (wasm build plus its
 * memory), which would hide the service's own footprint in the memory scenario.
 */
import net from 'node:net';
import pg from 'pg';

const LOCAL_URL = 'postgres://postgres@127.0.0.1:5432/test';

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(500, () => (socket.destroy(), resolve(false)));
    socket.on('error', () => resolve(false));
    socket.on('connect', () => (socket.destroy(), resolve(true)));
  });
}

/** The PostgreSQL URL to use, or undefined for PGlite. `--database pglite` forces PGlite. */
export async function pickDatabaseUrl(choice: 'auto' | 'postgres' | 'pglite'): Promise<string | undefined> {
  if (choice === 'pglite') return undefined;
  const url = process.env.DATABASE_URL ?? LOCAL_URL;
  const u = new URL(url);
  if (await answers(u.hostname, Number(u.port || 5432))) return url;
  if (choice === 'postgres') throw new Error(`--database postgres: nothing answers at ${u.host}`);
  return undefined;
}

export interface BenchSchema {
  /** DATABASE_URL for the service processes: the schema first on the search path. */
  url: string;
  drop(): Promise<void>;
}

export async function createBenchSchema(baseUrl: string, schema: string): Promise<BenchSchema> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await client.end();
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}
