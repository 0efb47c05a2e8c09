/**
 * A DNS `lookup` for sockets that may only reach public addresses: it resolves the name, and
 * refuses the connection when any address the name resolves to is not public (address-policy).
 * Passed to `net.connect` / `http.request`, it runs at connect time, on the addresses the socket
 * will use, so a name that resolves to a public address when checked and to 127.0.0.1 when
 * connecting (DNS rebinding) cannot get through. An IP literal never reaches a lookup: check it
 * with `assertPublicHost` before connecting.
 */
import dns from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { nonPublicReason } from './address-policy.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Every address of a name. Injectable so tests can resolve a name to a private address without DNS. */
export type ResolveAll = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolveAll: ResolveAll = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/** A connection to a non-public address was refused before any packet was sent. */
export class BlockedAddressError extends Error {
  readonly code = 'ERR_BLOCKED_ADDRESS';
  constructor(message: string) {
    super(message);
    this.name = 'BlockedAddressError';
  }
}

/** Throws BlockedAddressError when `host` is an IP literal that is not public. Names pass (the lookup checks them). */
export function assertPublicHost(host: string): void {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 0) return;
  const reason = nonPublicReason(bare);
  if (reason) throw new BlockedAddressError(`${host} is a ${reason}: refused`);
}

export function createPublicLookup(resolveAll: ResolveAll = systemResolveAll): LookupFunction {
  return (hostname, options, callback) => {
    resolveAll(hostname).then(
      (all) => {
        const wanted = options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
        if (wanted.length === 0) {
          const error = Object.assign(new Error(`${hostname}: no address`), { code: 'ENOTFOUND' });
          return callback(error, '', 0);
        }
        // one non-public address is enough to refuse: a mixed answer is how rebinding is staged
        for (const { address } of wanted) {
          const reason = nonPublicReason(address);
          if (reason) return callback(new BlockedAddressError(`${hostname} resolves to ${address}, a ${reason}: refused`), '', 0);
        }
        if (options.all) (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, wanted);
        else callback(null, wanted[0].address, wanted[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}
