/**
 * The embedded engine's weight (issue 15 item 9): a new data directory is initialised in a
 * child process (PGlite's initdb keeps ~400 MB in the process that runs it), and the instance
 * runs with small buffers. Idle RSS itself is measured outside the suite (README, Storage).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPgliteDb } from './db.js';

const dir = await mkdtemp(join(tmpdir(), 'scout-pglite-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('embedded PGlite', () => {
  it('initialises a new directory, runs with small buffers, and reopens it with its data', async () => {
    const dataDir = join(dir, 'pg');
    const db = await createPgliteDb(dataDir);
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
    const settings = await db.query<{ name: string; setting: string }>(
      "SELECT name, current_setting(name) AS setting FROM (VALUES ('shared_buffers'), ('temp_buffers'), ('wal_buffers')) AS s(name)",
    );
    expect(Object.fromEntries(settings.rows.map((r) => [r.name, r.setting]))).toEqual({ shared_buffers: '16MB', temp_buffers: '1MB', wal_buffers: '1MB' });
    await db.exec('CREATE TABLE kept (v int); INSERT INTO kept VALUES (42);');
    await db.close();

    const again = await createPgliteDb(dataDir);
    expect((await again.query<{ v: number }>('SELECT v FROM kept')).rows).toEqual([{ v: 42 }]);
    await again.close();
  }, 60_000);
});
