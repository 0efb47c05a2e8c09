/**
 * Connection state of a backing service (Redis, the database), logged as one structured line
 * per change: `{"target":"redis","state":"down","code":"ECONNREFUSED",...}` once when it goes
 * down, one line when it is back. Every client of a target in a process reports into one
 * tracker, so ten reconnecting clients (ioredis, BullMQ) still log one line, never a flood.
 */
import type { Logger } from '../logger.js';

export type ConnectionTarget = 'redis' | 'database';
export type ConnectionStateName = 'unknown' | 'up' | 'down';

export interface ConnectionState {
  readonly state: ConnectionStateName;
  /** A client of the target connected (or a check succeeded). */
  up(client?: string): void;
  /** A client of the target lost its connection or could not connect. */
  down(error: unknown, client?: string): void;
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/** True for errors that mean "the server is unreachable" rather than a failed command. */
export function isConnectionError(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  if (e?.code && CONNECTION_CODES.has(e.code)) return true;
  return /connection is closed|connect ETIMEDOUT|Connection lost|ECONNREFUSED|getaddrinfo|Stream isn't writeable/i.test(e?.message ?? '');
}

export function createConnectionState(logger: Logger, target: ConnectionTarget): ConnectionState {
  let state: ConnectionStateName = 'unknown';
  return {
    get state() {
      return state;
    },
    up(client) {
      if (state === 'up') return;
      const was = state;
      state = 'up';
      logger.info({ target, state, client }, was === 'down' ? `${target} connection restored` : `${target} connected`);
    },
    down(error, client) {
      if (state === 'down') return;
      state = 'down';
      const e = error as { code?: string; message?: string } | undefined;
      logger.error({ target, state, client, code: e?.code, reason: e?.message ?? String(error) }, `${target} unavailable: ${e?.message ?? String(error)} (retrying; one line per change)`);
    },
  };
}

/**
 * An `error` listener for a BullMQ Queue/Worker: connection errors go to the target's state
 * (logged once per change); any other error is logged, but the same message at most once a
 * minute per component.
 */
export function bullErrorLogger(logger: Logger, redisState: ConnectionState, component: string) {
  const lastLogged = new Map<string, number>();
  return (error: Error) => {
    if (isConnectionError(error)) return redisState.down(error, component);
    const key = error.message;
    const now = Date.now();
    if ((lastLogged.get(key) ?? 0) > now - 60_000) return;
    lastLogged.set(key, now);
    if (lastLogged.size > 100) lastLogged.delete(lastLogged.keys().next().value!);
    logger.error({ component, err: error }, `${component} error`);
  };
}

/** What a database handle needs for its state to be watched (the store's Db). */
interface Queryable {
  query(...args: never[]): Promise<unknown>;
}

/**
 * A database handle whose calls report its connection state: a call that succeeds means up, one
 * that fails with a connection error (refused, reset, terminated) means down. SQL errors change
 * nothing. One log line per change, as for Redis.
 */
export function watchDatabase<D extends Queryable>(db: D, state: ConnectionState): D {
  const isDbConnectionError = (error: unknown) =>
    isConnectionError(error) || /terminat|Connection terminated|server closed the connection|the database system is (starting|shutting)|timeout exceeded when trying to connect/i.test((error as Error)?.message ?? '');
  const wrap =
    (fn: (...args: unknown[]) => Promise<unknown>) =>
    async (...args: unknown[]) => {
      try {
        const result = await fn(...args);
        state.up();
        return result;
      } catch (error) {
        if (isDbConnectionError(error)) state.down(error);
        throw error;
      }
    };
  return new Proxy(db, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const bound = value.bind(target);
      return property === 'query' || property === 'exec' || property === 'transaction' ? wrap(bound) : bound;
    },
  });
}
