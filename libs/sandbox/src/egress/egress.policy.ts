import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ErrorCode, PorticoError } from '@portico/contracts';
import { classifyAddress } from './address.classifier';

/** An address the policy accepted for one host: the client connects to exactly this one. */
export interface PinnedAddress {
  address: string;
  family: 4 | 6;
}

/** `dns.lookup(host, {all: true})`; replaceable so tests can stage any answer without a network. */
export type ResolveAll = (hostname: string) => Promise<PinnedAddress[]>;

const systemResolve: ResolveAll = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

const denied = (message: string): PorticoError =>
  new PorticoError(ErrorCode.DomainNotAllowed, `context.http: ${message}`, 403);

/** `[::1]` (URL form) → `::1`. */
const bare = (hostname: string): string =>
  hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;

/**
 * The egress policy of one app (DESIGN "Sandbox": loopback, private, link-local and metadata
 * addresses denied by default). A host is resolved once; EVERY address it resolves to must be
 * public or allowed, so a name cannot smuggle a private address in beside a public one; the first
 * is returned for the client to pin, so a second (rebinding) lookup can never swap it.
 *
 * `allow` is the app's `limits.egress_allow`: host names (exact, case-insensitive; `*.example.com`
 * matches its subdomains), IP addresses or CIDRs. An allowed name admits whatever it resolves to;
 * an allowed address or CIDR admits those addresses under any name.
 */
export class EgressPolicy {
  readonly #names = new Set<string>();
  readonly #suffixes: string[] = [];
  readonly #addresses = new BlockList();

  constructor(
    allow: readonly string[],
    private readonly resolveAll: ResolveAll = systemResolve,
  ) {
    for (const entry of allow) {
      const rule = entry.trim().toLowerCase();
      const [ip, prefix] = rule.split('/', 2) as [string, string | undefined];
      const family = isIP(bare(ip));
      if (family !== 0) {
        const type = family === 6 ? 'ipv6' : 'ipv4';
        if (prefix === undefined) this.#addresses.addAddress(bare(ip), type);
        else this.#addresses.addSubnet(bare(ip), Number(prefix), type);
      } else if (rule.startsWith('*.')) this.#suffixes.push(rule.slice(1));
      else this.#names.add(rule.replace(/\.$/, ''));
    }
  }

  #nameAllowed(hostname: string): boolean {
    const name = hostname.toLowerCase().replace(/\.$/, '');
    return this.#names.has(name) || this.#suffixes.some((suffix) => name.endsWith(suffix));
  }

  #check(hostname: string, { address, family }: PinnedAddress, byName: boolean): void {
    if (byName || this.#addresses.check(address, family === 6 ? 'ipv6' : 'ipv4')) return;
    const kind = classifyAddress(address);
    if (kind !== null) {
      const via = hostname === address ? '' : ` (${hostname} resolves to it)`;
      throw denied(`egress to ${address} denied: ${kind} address${via}; allow it in limits.egress_allow`);
    }
  }

  /**
   * The address to connect to for `hostname` (as in `URL.hostname`). Rejects with `DomainNotAllowed`
   * when the policy denies any of its addresses, `HTTPError` when the name does not resolve.
   */
  async resolve(hostname: string): Promise<PinnedAddress> {
    const host = bare(hostname);
    const family = isIP(host);
    if (family !== 0) {
      const literal: PinnedAddress = { address: host, family: family === 6 ? 6 : 4 };
      this.#check(host, literal, false);
      return literal;
    }
    let addresses: PinnedAddress[];
    try {
      addresses = await this.resolveAll(host);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'lookup failed';
      throw new PorticoError(
        ErrorCode.HTTPError,
        `context.http: cannot resolve host '${host}' (${code})`,
        502,
      );
    }
    if (addresses.length === 0)
      throw new PorticoError(ErrorCode.HTTPError, `context.http: cannot resolve host '${host}'`, 502);
    const byName = this.#nameAllowed(host);
    for (const a of addresses) this.#check(host, a, byName);
    return addresses[0];
  }
}
