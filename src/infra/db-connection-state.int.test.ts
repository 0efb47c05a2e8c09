/** The database's connection state through a real PostgreSQL behind a TCP proxy that cuts it. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../../test/helpers/tcp-proxy.js';
import { openDatabase, type Db } from '../store/db.js';
import { createConnectionState, watchDatabase } from './connection-state.js';

const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let proxy: TcpProxy;
let db: Db;
const lines: Record<string, any>[] = [];
const logger = pino(
  { level: 'info' },
  new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  }),
);

beforeAll(async () => {
  const url = new URL(POSTGRES_URL);
  proxy = await startTcpProxy(url.hostname, Number(url.port || 5432));
  url.host = `127.0.0.1:${proxy.port}`;
  db = await openDatabase({ databaseUrl: url.toString(), dataDir: '' });
});
afterAll(async () => {
  await db?.close().catch(() => {});
  await proxy?.close();
});

describe('database connection state', () => {
  it('one line when it goes down (however many queries fail), one when it is back; SQL errors change nothing', async () => {
    const watched = watchDatabase(db, createConnectionState(logger, 'database'));
    await watched.query('SELECT 1');
    await expect(watched.query('SELECT * FROM no_such_table_at_all')).rejects.toThrow();
    await proxy.cut();
    for (let i = 0; i < 5; i++) await expect(watched.query('SELECT 1')).rejects.toThrow();
    await proxy.restore();
    for (let i = 0; ; i++) {
      try {
        await watched.query('SELECT 1');
        break;
      } catch (error) {
        if (i > 50) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(lines.map((l) => [l.target, l.state, l.msg.split(':')[0]])).toEqual([
      ['database', 'up', 'database connected'],
      ['database', 'down', 'database unavailable'],
      ['database', 'up', 'database connection restored'],
    ]);
  });
});
