import { isIPv4, isIPv6 } from 'node:net';

/**
 * Address-in-CIDR checks for the NetworkPolicy tests, IPv4 and IPv6 (no `::ffff:` mapping: Kubernetes
 * ipBlocks do not mix families either).
 */
function toBigInt(address: string): { value: bigint; bits: number } {
  if (isIPv4(address)) {
    const value = address.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
    return { value, bits: 32 };
  }
  if (isIPv6(address)) {
    const [head, tail = ''] = address.split('::');
    const groups = (s: string) => (s === '' ? [] : s.split(':'));
    const left = groups(head);
    const right = groups(tail);
    const all = address.includes('::')
      ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
      : left;
    const value = all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
    return { value, bits: 128 };
  }
  throw new Error(`not an IP address: ${address}`);
}

/** True when `address` lies inside `cidr` (`10.0.0.0/8`, `fc00::/7`); false across address families. */
export function inCidr(address: string, cidr: string): boolean {
  const [base, lengthText] = cidr.split('/');
  const net = toBigInt(base);
  const ip = toBigInt(address);
  if (net.bits !== ip.bits) return false;
  const length = lengthText === undefined ? net.bits : Number(lengthText);
  if (!Number.isInteger(length) || length < 0 || length > net.bits) throw new Error(`bad CIDR ${cidr}`);
  const shift = BigInt(net.bits - length);
  return ip.value >> shift === net.value >> shift;
}
