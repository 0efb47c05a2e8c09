/** Read a GraphQL subscription over SSE (yoga's default transport) until the stream completes. */
import type { App } from '../../src/server.js';

export async function readSse(app: App, query: string, variables: Record<string, unknown>, timeoutMs = 60_000): Promise<any[]> {
  const response = await app.fetch(
    new Request('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    }),
  );
  if (!response.ok || !response.body) throw new Error(`SSE request failed: ${response.status}`);
  const events: any[] = [];
  for await (const payload of sseNextPayloads(response.body)) events.push(payload);
  return events;
}

/**
 * The parsed `data` of each `next` event of a GraphQL-over-SSE stream, until its `complete`
 * event (or the end of the stream). Shared by the tests and the bench.
 */
export async function* sseNextPayloads(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let split: number;
    while ((split = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, split);
      buffer = buffer.slice(split + 2);
      const event = /^event: (\w+)/m.exec(frame)?.[1];
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (event === 'complete') return;
      if (event === 'next' && data) yield JSON.parse(data);
    }
  }
}
