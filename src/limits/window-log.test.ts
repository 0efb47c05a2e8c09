import { describe, expect, it } from 'vitest';
import { createWindowLog } from './window-log.js';

describe('createWindowLog', () => {
  it('grants `limit` per window and names the wait for the next', () => {
    const log = createWindowLog(3, 1000);
    expect([log.tryGrant(0), log.tryGrant(10), log.tryGrant(20)]).toEqual([0, 0, 0]);
    expect(log.tryGrant(30)).toBe(970); // the oldest (0) leaves the window at 1000
    expect(log.tryGrant(1000)).toBe(0);
    expect(log.tryGrant(1005)).toBe(5); // then 10 leaves at 1010
  });

  it('stops the catch-up of a late timer: tokens due during a stall do not crowd the next window', () => {
    // tokens scheduled every 100 ms (rate 10); a stall holds those of 100..900 until 950
    const log = createWindowLog(10, 1000);
    const granted: number[] = [];
    const ask = (t: number) => {
      for (let now = t; ; ) {
        const wait = log.tryGrant(now);
        if (wait === 0) return void granted.push(now);
        now += wait;
      }
    };
    ask(0);
    for (let i = 1; i <= 9; i++) ask(950); // all released at once after the stall
    for (let i = 10; i < 30; i++) ask(i * 100);
    for (const start of granted) expect(granted.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(10);
  });
});
