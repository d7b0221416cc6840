import { BlockList, isIP } from 'node:net';

/** Why an address is not a public unicast one. */
export type AddressClass =
  'unspecified' | 'loopback' | 'private' | 'link-local' | 'multicast' | 'broadcast' | 'reserved';

type Range = readonly [address: string, prefix: number];

/**
 * IPv4 ranges that are not reachable public unicast (RFC 6890). "link-local" covers the cloud
 * metadata endpoint 169.254.169.254; "private" also takes the CGNAT and IETF-protocol blocks, which
 * are as internal as RFC 1918 space for a platform's network.
 */
const V4: Record<AddressClass, readonly Range[]> = {
  unspecified: [['0.0.0.0', 8]],
  loopback: [['127.0.0.0', 8]],
  private: [
    ['10.0.0.0', 8],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
    ['100.64.0.0', 10],
    ['192.0.0.0', 24],
    ['198.18.0.0', 15],
  ],
  'link-local': [['169.254.0.0', 16]],
  multicast: [['224.0.0.0', 4]],
  broadcast: [['255.255.255.255', 32]],
  reserved: [
    ['240.0.0.0', 4],
    ['192.0.2.0', 24],
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
  ],
};

/** IPv6 ranges of the same kinds. `::/96` is the deprecated IPv4-compatible form, never routable. */
const V6: Record<AddressClass, readonly Range[]> = {
  unspecified: [['::', 128]],
  loopback: [['::1', 128]],
  private: [
    ['fc00::', 7],
    ['fec0::', 10],
  ],
  'link-local': [['fe80::', 10]],
  multicast: [['ff00::', 8]],
  broadcast: [],
  reserved: [
    ['::', 96],
    ['100::', 64],
    ['2001:db8::', 32],
  ],
};

/** `a.b.c.d` as the two low 16-bit groups of an IPv6 address, in hex. */
function v4AsV6Groups(v4: string): [string, string] {
  const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}

/**
 * One block list per class. IPv4-mapped IPv6 (`::ffff:a.b.c.d`) matches IPv4 rules natively in
 * `BlockList`; the NAT64 well-known prefix (64:ff9b::/96) and 6to4 (2002::/16) embed an IPv4
 * address too, so each IPv4 range is added in those forms as well.
 */
function buildLists(): [AddressClass, BlockList][] {
  return (Object.keys(V4) as AddressClass[]).map((kind) => {
    const list = new BlockList();
    for (const [address, prefix] of V4[kind]) {
      list.addSubnet(address, prefix, 'ipv4');
      const [hi, lo] = v4AsV6Groups(address);
      list.addSubnet(`64:ff9b::${hi}:${lo}`, 96 + prefix, 'ipv6');
      list.addSubnet(`2002:${hi}:${lo}::`, 16 + prefix, 'ipv6');
    }
    for (const [address, prefix] of V6[kind]) list.addSubnet(address, prefix, 'ipv6');
    return [kind, list];
  });
}
const LISTS = buildLists();

/**
 * The class of a non-public address, or `null` for a public unicast one. Takes an IP address only
 * (callers resolve names first); anything else throws, so a name can never pass as "public".
 * Order matters only for overlaps such as `::` (unspecified before reserved).
 */
export function classifyAddress(address: string): AddressClass | null {
  const family = isIP(address);
  if (family === 0) throw new TypeError(`not an IP address: ${address}`);
  const type = family === 6 ? 'ipv6' : 'ipv4';
  for (const [kind, list] of LISTS) if (list.check(address, type)) return kind;
  return null;
}
