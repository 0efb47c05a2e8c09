/**
 * Requests Node's HTTP parser refuses before the app sees them (a URL or headers over 16 KB,
 * malformed HTTP): answered with a JSON reason like every other 4xx instead of Node's bare
 * status line.
 */
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

const REASONS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request line or headers too large (16 KB at most): send long inputs in the body'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'The request took too long to arrive'],
};

/** The raw HTTP response for a parser error: status, JSON `detail`, connection closed. */
export function clientErrorResponse(code: string | undefined): string {
  const [status, detail] = REASONS[code ?? ''] ?? [400, 'Malformed HTTP request'];
  const body = JSON.stringify({ detail });
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}

export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // a reset or half-sent request has nobody left to read an answer
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(clientErrorResponse(error.code));
  });
}
