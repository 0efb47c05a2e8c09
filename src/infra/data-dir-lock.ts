/**
 * A lock on the embedded data directory (PGlite's files, a launched Redis): one process owns
 * it. `<dataDir>/scout.lock` holds the owner's pid, host, command and start time; a second
 * process fails with a message naming the owner. A lock whose process is gone (same host) is
 * stale and taken over.
 */
import { mkdirSync, openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

export interface LockOwner {
  pid: number;
  host: string;
  command: string;
  startedAt: string;
}

export class DataDirLockedError extends Error {
  constructor(
    message: string,
    readonly owner: LockOwner,
  ) {
    super(message);
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  path: string;
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists, it is someone else's
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
    return typeof owner.pid === 'number' ? owner : null;
  } catch {
    return null;
  }
}

/** Take the lock on `dataDir` or throw DataDirLockedError naming the process that holds it. */
export function acquireDataDirLock(dataDir: string, command = process.argv.slice(1).join(' ')): DataDirLock {
  const dir = path.resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'scout.lock');
  const me: LockOwner = { pid: process.pid, host: hostname(), command, startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw error;
      const owner = readOwner(file);
      if (owner && (owner.host !== me.host || isAlive(owner.pid)) && owner.pid !== process.pid) {
        throw new DataDirLockedError(
          `The data directory ${dir} is in use by process ${owner.pid} on ${owner.host} (${owner.command}, since ${owner.startedAt}).\n` +
            `Stop that process first, or give this one its own folder with SCOUT_DATA_DIR (or use PostgreSQL: DATABASE_URL).` +
            (owner.host !== me.host ? `\nIf that host is gone, delete ${file}.` : ''),
          owner,
        );
      }
      // stale (its process is gone) or unreadable: take it over
      try {
        unlinkSync(file);
      } catch {
        // another process took it over first: the next attempt sees its lock
      }
    }
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    if (readOwner(file)?.pid === process.pid) {
      try {
        unlinkSync(file);
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', release);
  return { path: file, release };
}
