/**
 * Authoritative-style DNS server on one port over UDP and TCP (RFC 7766: 2-byte length
 * framing, several queries per connection, replies possibly out of order).
 */
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import dnsPacket, { type Answer, type DecodedPacket, type Packet } from 'dns-packet';
import { answerDnsQuestion, RCODE, type DnsDecision } from './dns-answer.js';
import { normalizeName } from './case-index.js';
import { createTimerSet } from './pacing.js';
import type { SimServerOptions } from './server-options.js';

/** Options of {@link startDnsServer}. */
export type DnsServerOptions = SimServerOptions;

/** A running DNS server. */
export interface DnsServer {
  port: number;
  close(): Promise<void>;
}

// Without EDNS a UDP reply is limited to 512 bytes (RFC 1035 4.2.1); larger ones are sent
// truncated (TC) so the client retries over TCP, as c-ares (node:dns) does.
const CLASSIC_UDP_LIMIT = 512;
const MAX_UDP_PAYLOAD = 4096;

/** Start the DNS server; resolves once both UDP and TCP listen. */
export async function startDnsServer(options: DnsServerOptions): Promise<DnsServer> {
  const timers = createTimerSet();
  const sockets = new Set<net.Socket>();
  let closed = false;

  /** Decode, decide, record, then hand the reply (unframed) to `send` unless the decision is silence. */
  function handleQuery(message: Buffer, transport: 'udp' | 'tcp', send: (reply: Buffer) => void): void {
    let query: DecodedPacket;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return; // Not DNS: real servers drop what they cannot parse.
    }
    if (query.type !== 'query') return;
    const question = query.questions?.[0];
    const now = Date.now();
    if (!question || query.questions?.length !== 1 || (query as { opcode?: string }).opcode !== 'QUERY') {
      options.recorder.record({ t: now, proto: 'dns', name: question ? normalizeName(question.name) : '', transport, outcome: 'FORMERR' });
      return send(encodeReply(query, RCODE.FORMERR, [], transport));
    }
    const name = normalizeName(question.name);
    let decision: DnsDecision;
    if (options.pacing.rate.hit()) {
      decision = { action: 'reply', rcode: RCODE.REFUSED, answers: [], outcome: 'RATE_LIMITED' };
    } else {
      decision = answerDnsQuestion(question.name, question.type, options.index, options.faults);
    }
    options.recorder.record({ t: now, proto: 'dns', name, type: question.type, transport, outcome: decision.outcome });
    if (decision.action === 'drop') return;
    const reply = encodeReply(query, decision.rcode, decision.answers, transport);
    timers.later(options.pacing.delay(), () => {
      if (!closed) send(reply);
    });
  }

  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 2) {
        const length = buffer.readUInt16BE(0);
        if (buffer.length < 2 + length) break;
        const message = buffer.subarray(2, 2 + length);
        buffer = buffer.subarray(2 + length);
        handleQuery(message, 'tcp', (reply) => {
          if (!socket.destroyed) socket.write(frame(reply));
        });
      }
    });
  });

  const { udp, port } = await listenBoth(tcp, options.host, options.port);
  udp.on('message', (message, remote) => {
    handleQuery(message, 'udp', (reply) => udp.send(reply, remote.port, remote.address));
  });
  // A send to a vanished client must not crash the process.
  udp.on('error', () => {});
  return {
    port,
    async close() {
      closed = true;
      timers.clear();
      for (const socket of sockets) socket.destroy();
      await Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        new Promise<void>((resolve) => tcp.close(() => resolve())),
      ]);
    },
  };
}

function encodeReply(query: DecodedPacket, rcode: number, answers: Answer[], transport: 'udp' | 'tcp'): Buffer {
  const opt = query.additionals?.find((a) => a.type === 'OPT');
  // Echo RD as RFC 1035 asks; AA because the simulator plays the authoritative server.
  const flags = dnsPacket.AUTHORITATIVE_ANSWER | (query.flag_rd ? dnsPacket.RECURSION_DESIRED : 0) | rcode;
  const packet: Packet = {
    type: 'response',
    id: query.id,
    flags,
    questions: query.questions,
    answers,
    // RFC 6891 7: a responder that understands EDNS answers an EDNS query with an OPT record.
    additionals: opt ? [{ type: 'OPT', name: '.', udpPayloadSize: MAX_UDP_PAYLOAD, flags: 0, options: [] } as unknown as Answer] : [],
  };
  const encoded = dnsPacket.encode(packet);
  if (transport === 'tcp') return encoded;
  const limit = opt && 'udpPayloadSize' in opt ? Math.min(Math.max(CLASSIC_UDP_LIMIT, opt.udpPayloadSize), MAX_UDP_PAYLOAD) : CLASSIC_UDP_LIMIT;
  if (encoded.length <= limit) return encoded;
  return dnsPacket.encode({ ...packet, flags: flags | dnsPacket.TRUNCATED_RESPONSE, answers: [] });
}

function frame(message: Buffer): Buffer {
  const out = Buffer.allocUnsafe(2 + message.length);
  out.writeUInt16BE(message.length, 0);
  message.copy(out, 2);
  return out;
}

/** Bind UDP, then TCP on the same port; with port 0 retry until a port is free for both. */
async function listenBoth(tcp: net.Server, host: string, port: number): Promise<{ udp: dgram.Socket; port: number }> {
  for (let attempt = 0; ; attempt++) {
    const udp = await bindUdp(host, port);
    const udpPort = udp.address().port;
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(udpPort, host, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
      return { udp, port: udpPort };
    } catch (error) {
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      // With a random port, TCP may find it taken by another process: try another one.
      const retry = port === 0 && (error as NodeJS.ErrnoException).code === 'EADDRINUSE' && attempt < 20;
      if (!retry) throw error;
    }
  }
}

/**
 * The UDP receive buffer asked for (the kernel caps it at net.core.rmem_max). At the default
 * (208 KB, ~270 queries) a burst from several workers on a busy machine overflowed it: 0.7% of
 * queries silently lost, seen as dns_timeout failures of clean cases in the million-domain
 * bench. The simulator loses a query only when a fault says so.
 */
export const SIM_UDP_RECV_BUFFER_BYTES = 4 * 1024 * 1024;

/** The kernel's cap on a socket's receive buffer (Linux net.core.rmem_max), or undefined where it cannot be read. */
export function udpReceiveBufferCap(): number | undefined {
  try {
    return Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
  } catch {
    return undefined;
  }
}

function bindUdp(host: string, port: number): Promise<dgram.Socket> {
  const udp = dgram.createSocket({ type: net.isIPv6(host) ? 'udp6' : 'udp4', recvBufferSize: SIM_UDP_RECV_BUFFER_BYTES });
  return new Promise((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(port, host, () => {
      udp.off('error', reject);
      resolve(udp);
    });
  });
}
