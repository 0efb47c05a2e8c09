import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError } from './data-dir-lock.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'scout-lock-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('data directory lock', () => {
  it('a second owner is refused with the holder named; release frees it', () => {
    const dir = tempDir();
    const sleeper = spawn('sleep', ['30']);
    try {
      writeFileSync(path.join(dir, 'scout.lock'), JSON.stringify({ pid: sleeper.pid, host: hostname(), command: 'node dist/main.js', startedAt: '2026-12-02T04:00:00.000Z' }));
      let error: unknown;
      try {
        acquireDataDirLock(dir);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DataDirLockedError);
      expect((error as Error).message).toContain(`is in use by process ${sleeper.pid} on ${hostname()} (node dist/main.js, since 2026-12-02T04:00:00.000Z)`);
      expect((error as Error).message).toContain('SCOUT_DATA_DIR');
    } finally {
      sleeper.kill();
    }
  });

  it('takes over a stale lock (its process is gone), writes its own pid, and removes it on release', () => {
    const dir = tempDir();
    const file = path.join(dir, 'scout.lock');
    writeFileSync(file, JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), command: 'x', startedAt: 'then' }));
    const lock = acquireDataDirLock(dir, 'test');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid, command: 'test' });
    lock.release();
    expect(existsSync(file)).toBe(false);
    // free again
    acquireDataDirLock(dir).release();
  });
});
