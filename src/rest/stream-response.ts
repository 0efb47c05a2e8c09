/** A response body written page by page, so a large result never sits in memory whole. */
import type { Lead } from '../scan/scan.types.js';

/** `head`, each page through `render`, then `tail`; pages are read only as the client reads. */
export function streamResponse<T = Lead>(
  head: string,
  pages: AsyncIterable<T[]>,
  render: (items: T[]) => string,
  tail: string,
  headers: Record<string, string>,
): Response {
  const encoder = new TextEncoder();
  const iterator = pages[Symbol.asyncIterator]();
  let started = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(head));
        return;
      }
      const next = await iterator.next();
      if (next.done) {
        controller.enqueue(encoder.encode(tail));
        controller.close();
      } else {
        controller.enqueue(encoder.encode(render(next.value)));
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(body, { status: 200, headers });
}

/** Renders pages of leads as the members of one JSON array (commas between pages). */
export function jsonArrayMembers(): (leads: Lead[]) => string {
  let first = true;
  return (leads) => {
    const rows = leads.map((lead) => JSON.stringify(lead)).join(',');
    const out = first || rows === '' ? rows : `,${rows}`;
    if (rows !== '') first = false;
    return out;
  };
}
