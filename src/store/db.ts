/**
 * The database handle: one small interface over two engines, PostgreSQL through `pg` when
 * `DATABASE_URL` is set, or embedded PostgreSQL (PGlite, WebAssembly, in this process) so
 * `npm start` needs no database server. Repositories write one SQL dialect (`$1` parameters,
 * plain PostgreSQL) that both engines run.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import v8 from 'node:v8';
import { PGlite, type Transaction as PgliteTransaction } from '@electric-sql/pglite';
import pg from 'pg';
import { migrate } from './migrations.js';

/** Which engine a {@link Db} runs on. */
export type DbEngine = 'postgres' | 'pglite';

/** Rows of a query. Column values are parsed by the engine: see {@link Db.query}. */
export interface QueryResult<T> {
  rows: T[];
}

/**
 * What the repositories need from a database, implemented by both engines.
 *
 * Type parsing differs between engines for `int8`/`bigint` (`pg`: string, PGlite: number) and
 * `numeric`: cast those to `int`/`float8` in SQL. `timestamptz` comes back as a `Date`,
 * `jsonb` as parsed JSON and `text[]` as `string[]` on both.
 */
export interface Db {
  readonly engine: DbEngine;
  /** Run one statement with `$1`-style parameters. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
  /** Run a script of several `;`-separated statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Run `fn` in one transaction: committed when it resolves, rolled back when it throws.
   * Use the `tx` handed to `fn` for every statement of the transaction. A transaction opened on
   * `tx` again joins the outer one (no savepoint).
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** Release the pool or the embedded instance. The handle is unusable afterwards. */
  close(): Promise<void>;
}

/** Options shared by both engines. */
export interface DbOptions {
  /**
   * PostgreSQL schema to work in, created when missing and put first on the `search_path`
   * (tests use one per run, e.g. `test_<random>`). Default: the engine's `public`.
   * Letters, digits and `_` only.
   */
  schema?: string;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

function quoteSchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name: ${JSON.stringify(schema)}`);
  return `"${schema}"`;
}

/** PostgreSQL SQLSTATEs of a `CREATE SCHEMA IF NOT EXISTS` that lost a race to another process. */
const DUPLICATE_SCHEMA_RACE = new Set(['42P06', '23505']);

/**
 * PostgreSQL through a `pg` connection pool.
 *
 * With `schema`, the schema is created if missing and every pooled connection starts with
 * `search_path` set to it (a startup parameter, so no query can run before it applies).
 *
 * @param url a `postgres://` connection string
 */
export async function createPostgresDb(
  url: string,
  options: DbOptions & { /** Pool size. Default 10. */ max?: number } = {},
): Promise<Db> {
  const { schema, max = 10 } = options;
  if (schema !== undefined) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${quoteSchema(schema)}`);
    } catch (error) {
      if (!DUPLICATE_SCHEMA_RACE.has((error as { code?: string }).code ?? '')) throw error;
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max,
    // `-c` startup options are applied by the server before the first query of the session.
    options: schema === undefined ? undefined : `-c search_path=${quoteSchema(schema)},public`,
  });
  // An idle client that loses its connection emits 'error' on the pool; without a listener
  // that would crash the process. The next query gets a fresh connection.
  pool.on('error', () => {});

  function clientDb(client: pg.PoolClient): Db {
    const tx: Db = {
      engine: 'postgres',
      query: async <T>(sql: string, params?: unknown[]) => ({ rows: (await client.query(sql, params)).rows as T[] }),
      exec: async (sql) => {
        await client.query(sql);
      },
      transaction: (fn) => fn(tx),
      close: async () => {
        throw new Error('close() called on a transaction handle');
      },
    };
    return tx;
  }

  return {
    engine: 'postgres',
    query: async <T>(sql: string, params?: unknown[]) => ({ rows: (await pool.query(sql, params)).rows as T[] }),
    exec: async (sql) => {
      // Without parameters pg uses the simple query protocol, which accepts several statements.
      await pool.query(sql);
    },
    async transaction(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(clientDb(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          // The connection is unusable (e.g. the server went away): drop it from the pool.
          broken = rollbackError as Error;
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

/**
 * Memory settings of the embedded engine. PGlite's build defaults give it shared_buffers of
 * 160 MB, which an idle process mostly touches (RSS ~285 MB over a bare node process on a
 * reopened data directory, ~140 MB with these); an embedded single-connection database of leads
 * needs no big buffer cache (the OS page cache still holds the files).
 */
export const PGLITE_MEMORY_PARAMS = ['-c', 'shared_buffers=16MB', '-c', 'temp_buffers=1MB', '-c', 'wal_buffers=1MB'];

const execFileAsync = promisify(execFile);

/**
 * Run initdb for a new PGlite data directory in a throwaway node process. PGlite's initdb runs
 * a second WebAssembly instance and keeps ~400 MB of it in the process that ran it for good
 * (measured: 500 MB idle API after a first start, 410 MB after a restart on the same
 * directory); in a child that exits, the API process only ever reopens the directory.
 */
async function initPgliteDataDir(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  const script = 'const { PGlite } = await import(process.env.PGLITE_MODULE); await (await PGlite.create(process.env.PGLITE_DIR)).close();';
  await execFileAsync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, PGLITE_MODULE: import.meta.resolve('@electric-sql/pglite'), PGLITE_DIR: dataDir },
    timeout: 120_000,
  });
}

/**
 * Embedded PostgreSQL (PGlite) in this process.
 *
 * PGlite is single-process and single-connection: only one process may open a data directory
 * at a time (run the API and the workers in one process, or use PostgreSQL), and statements of
 * one instance run one after another. While a transaction is open every other statement on the
 * instance waits for it, so inside {@link Db.transaction} use only the `tx` handle (a statement
 * on the outer handle would wait forever).
 *
 * Opening a new data directory runs initdb (3-5 s, in a child process: see initPgliteDataDir);
 * reopening one takes ~0.35 s.
 *
 * @param dataDir directory of the database files (created if missing), or `memory://`
 */
export async function createPgliteDb(dataDir: string, options: DbOptions = {}): Promise<Db> {
  if (!dataDir.startsWith('memory://')) {
    await mkdir(dataDir, { recursive: true });
    await initPgliteDataDir(dataDir);
  }
  // V8 compiles PGlite's WebAssembly twice, a baseline (Liftoff) build at load and optimised
  // (TurboFan) code for hot functions; the second tier and its compile zones cost ~60 MB of RSS
  // (measured: 185 -> 123 MB for node + an idle PGlite). Only PGlite runs WebAssembly here.
  v8.setFlagsFromString('--liftoff-only');
  const pglite = await PGlite.create(dataDir, { startParams: [...PGlite.defaultStartParams, ...PGLITE_MEMORY_PARAMS] });
  if (options.schema !== undefined) {
    const schema = quoteSchema(options.schema);
    // One connection, so setting the session's search_path once covers every later statement.
    await pglite.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema}, public;`);
  }

  function txDb(tx: PgliteTransaction): Db {
    const db: Db = {
      engine: 'pglite',
      query: async <T>(sql: string, params?: unknown[]) => ({ rows: (await tx.query<T>(sql, params)).rows }),
      exec: async (sql) => {
        await tx.exec(sql);
      },
      transaction: (fn) => fn(db),
      close: async () => {
        throw new Error('close() called on a transaction handle');
      },
    };
    return db;
  }

  return {
    engine: 'pglite',
    query: async <T>(sql: string, params?: unknown[]) => ({ rows: (await pglite.query<T>(sql, params)).rows }),
    exec: async (sql) => {
      await pglite.exec(sql);
    },
    transaction: (fn) => pglite.transaction((tx) => fn(txDb(tx))),
    close: () => pglite.close(),
  };
}

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions extends DbOptions {
  /** PostgreSQL URL (`DATABASE_URL`). When set, PostgreSQL is used; otherwise PGlite. */
  databaseUrl?: string;
  /**
   * Directory of the embedded database when `databaseUrl` is unset, e.g. `./.data/pg`
   * (`<SCOUT_DATA_DIR>/pg`), or `memory://`. Ignored for PostgreSQL.
   */
  dataDir: string;
  /** Run pending migrations before returning. Default true. */
  migrate?: boolean;
}

/**
 * Open the application database: PostgreSQL when `databaseUrl` is set, otherwise embedded
 * PGlite under `dataDir`; then apply pending migrations (unless `migrate: false`).
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Db> {
  const { databaseUrl, dataDir, schema } = options;
  const db = databaseUrl
    ? await createPostgresDb(databaseUrl, { schema })
    : await createPgliteDb(dataDir, { schema });
  if (options.migrate !== false) {
    try {
      await migrate(db);
    } catch (error) {
      await db.close();
      throw error;
    }
  }
  return db;
}
