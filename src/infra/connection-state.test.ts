import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { bullErrorLogger, createConnectionState, isConnectionError } from './connection-state.js';

function memoryLogger() {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });

describe('connection state', () => {
  it('logs one line per change, however many clients report', () => {
    const { logger, lines } = memoryLogger();
    const state = createConnectionState(logger, 'redis');
    state.up('a');
    state.up('b');
    for (let i = 0; i < 450; i++) state.down(refused, i % 2 ? 'a' : 'b');
    state.up('a');
    state.up('b');
    expect(lines.map((l) => [l.state, l.msg])).toEqual([
      ['up', 'redis connected'],
      ['down', 'redis unavailable: connect ECONNREFUSED 127.0.0.1:1 (retrying; one line per change)'],
      ['up', 'redis connection restored'],
    ]);
    expect(lines[1]).toMatchObject({ target: 'redis', code: 'ECONNREFUSED', level: 50 });
  });

  it('BullMQ error listener: connection errors go to the state; other errors once a minute per message', () => {
    const { logger, lines } = memoryLogger();
    const state = createConnectionState(logger, 'redis');
    const onError = bullErrorLogger(logger, state, 'domain worker');
    for (let i = 0; i < 20; i++) onError(refused);
    for (let i = 0; i < 5; i++) onError(new Error('Missing lock for job 1'));
    expect(lines.map((l) => l.msg)).toEqual(['redis unavailable: connect ECONNREFUSED 127.0.0.1:1 (retrying; one line per change)', 'domain worker error']);
  });

  it('tells connection errors from others', () => {
    expect(isConnectionError(refused)).toBe(true);
    expect(isConnectionError(new Error('Connection is closed.'))).toBe(true);
    expect(isConnectionError(new Error('ERR syntax error'))).toBe(false);
  });
});
