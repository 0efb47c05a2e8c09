/**
 * Which IP addresses the scanner may connect to on its own initiative (an RDAP server named by
 * the bootstrap file, a redirect, a WHOIS referral): public unicast only. Loopback, private,
 * link-local, CGNAT, multicast, documentation and reserved ranges are refused, so a hostile
 * registry answer cannot point the service at itself or at its network (SSRF).
 * Pure: takes an address string, returns the reason it is refused or undefined.
 */
import { BlockList, isIP } from 'node:net';

const RANGES_V4: [string, number, string][] = [
  ['0.0.0.0', 8, 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'CGNAT (shared address space)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved (incl. broadcast)'],
];

const RANGES_V6: [string, number, string][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['100::', 64, 'discard'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'unique local (private)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

const lists = new Map<string, BlockList>();
function listOf(reason: string): BlockList {
  let list = lists.get(reason);
  if (!list) lists.set(reason, (list = new BlockList()));
  return list;
}
for (const [net, prefix, reason] of RANGES_V4) listOf(reason).addSubnet(net, prefix, 'ipv4');
for (const [net, prefix, reason] of RANGES_V6) listOf(reason).addSubnet(net, prefix, 'ipv6');

/** IPv4 embedded in an IPv6 address that is routed to it (mapped, compatible, NAT64, 6to4). */
function embeddedV4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const hi = parseInt(hex[1], 16);
    const lo = parseInt(hex[2], 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  const sixToFour = /^2002:([0-9a-f]{1,4}):([0-9a-f]{1,4}):/.exec(lower);
  if (sixToFour) {
    const hi = parseInt(sixToFour[1], 16);
    const lo = parseInt(sixToFour[2], 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return undefined;
}

/**
 * Why `address` (an IP literal) must not be connected to, or undefined when it is a public
 * unicast address. Anything that is not an IP address is refused too.
 */
export function nonPublicReason(address: string): string | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [reason, list] of lists) if (list.check(bare, type)) return `${reason} address`;
  if (family === 6) {
    const v4 = embeddedV4(bare);
    if (v4) {
      const inner = nonPublicReason(v4);
      if (inner) return `${inner} (embedded in ${bare})`;
    }
  }
  return undefined;
}

export const isPublicAddress = (address: string) => nonPublicReason(address) === undefined;
