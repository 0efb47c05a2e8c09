import { describe, expect, it } from 'vitest';
import { createLeadPublisher, type ProgressBus } from './progress.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function fakeBus() {
  const sent: { jobId: string; message: unknown }[] = [];
  const bus: ProgressBus = {
    publishSnapshot: async () => {},
    // what the results channel carries: the JSON array the real bus writes
    publishLeads: async (jobId, leadsJson) => {
      sent.push({ jobId, message: JSON.parse(`[${leadsJson.join(',')}]`) });
    },
    subscribe: async () => () => {},
  };
  return { bus, sent };
}

describe('createLeadPublisher', () => {
  it('sends the leads of each job as one message per interval, in order', async () => {
    const { bus, sent } = fakeBus();
    const leads = createLeadPublisher(bus, 40);
    for (const domain of ['a.example', 'b.example']) leads.add('j1', JSON.stringify({ domain }));
    leads.add('j2', JSON.stringify({ domain: 'c.example' }));
    expect(sent).toEqual([]);
    await sleep(80);
    expect(sent).toEqual([
      { jobId: 'j1', message: [{ domain: 'a.example' }, { domain: 'b.example' }] },
      { jobId: 'j2', message: [{ domain: 'c.example' }] },
    ]);
  });

  it('flush(job) sends that job now (before its final snapshot), flush() every job; a full batch goes at once', async () => {
    const { bus, sent } = fakeBus();
    const leads = createLeadPublisher(bus, 10_000, 3);
    leads.add('j1', '{"domain":"a.example"}');
    leads.add('j2', '{"domain":"b.example"}');
    await leads.flush('j1');
    expect(sent).toEqual([{ jobId: 'j1', message: [{ domain: 'a.example' }] }]);
    await leads.flush();
    expect(sent.at(-1)).toEqual({ jobId: 'j2', message: [{ domain: 'b.example' }] });
    for (const d of ['x', 'y', 'z']) leads.add('j3', JSON.stringify({ domain: d }));
    await sleep(0);
    expect(sent.at(-1)).toEqual({ jobId: 'j3', message: [{ domain: 'x' }, { domain: 'y' }, { domain: 'z' }] });
    await leads.flush();
    expect(sent).toHaveLength(3);
  });
});
