import { EgressPolicy, type PinnedAddress, type ResolveAll } from './egress.policy';

/** A resolver answering from a table: no DNS traffic at all. */
const staged =
  (table: Record<string, string[]>): ResolveAll =>
  (host) => {
    const list = table[host];
    if (!list) return Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
    return Promise.resolve(
      list.map((address): PinnedAddress => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };

const dns = staged({
  'public.test': ['93.184.216.34'],
  'mixed.test': ['93.184.216.34', '10.0.0.7'],
  'metadata.test': ['169.254.169.254'],
  'internal.corp': ['10.1.2.3'],
  'api.internal.corp': ['10.1.2.4'],
  'v6local.test': ['::1'],
});

describe('EgressPolicy', () => {
  it('pins the first address of a public name', async () => {
    await expect(new EgressPolicy([], dns).resolve('public.test')).resolves.toEqual({
      address: '93.184.216.34',
      family: 4,
    });
  });

  it('denies a name when any of its addresses is not public', async () => {
    const policy = new EgressPolicy([], dns);
    await expect(policy.resolve('mixed.test')).rejects.toMatchObject({
      code: 'DomainNotAllowed',
      message: expect.stringContaining(
        'egress to 10.0.0.7 denied: private address (mixed.test resolves to it)',
      ),
    });
    await expect(policy.resolve('metadata.test')).rejects.toThrow('169.254.169.254 denied: link-local');
    await expect(policy.resolve('v6local.test')).rejects.toThrow('::1 denied: loopback');
  });

  it('denies address literals, bracketed IPv6 and IPv4-mapped forms included', async () => {
    const policy = new EgressPolicy([], dns);
    await expect(policy.resolve('127.0.0.1')).rejects.toThrow(
      'egress to 127.0.0.1 denied: loopback address;',
    );
    await expect(policy.resolve('[::1]')).rejects.toThrow('loopback');
    await expect(policy.resolve('[::ffff:a9fe:a9fe]')).rejects.toThrow('link-local');
    await expect(policy.resolve('[fd00::1]')).rejects.toThrow('private');
  });

  it('allows what egress_allow lists: names, wildcard subdomains, addresses and CIDRs', async () => {
    await expect(new EgressPolicy(['Internal.Corp'], dns).resolve('internal.corp')).resolves.toMatchObject({
      address: '10.1.2.3',
    });
    const wildcard = new EgressPolicy(['*.internal.corp'], dns);
    await expect(wildcard.resolve('api.internal.corp')).resolves.toMatchObject({ address: '10.1.2.4' });
    await expect(wildcard.resolve('internal.corp')).rejects.toThrow('denied');
    await expect(new EgressPolicy(['127.0.0.1'], dns).resolve('127.0.0.1')).resolves.toMatchObject({
      address: '127.0.0.1',
    });
    await expect(new EgressPolicy(['127.0.0.1'], dns).resolve('127.0.0.2')).rejects.toThrow('denied');
    await expect(new EgressPolicy(['10.0.0.0/8'], dns).resolve('mixed.test')).resolves.toMatchObject({
      address: '93.184.216.34',
    });
    await expect(new EgressPolicy(['::1'], dns).resolve('[::1]')).resolves.toMatchObject({ family: 6 });
  });

  it('reports a name that does not resolve as an HTTPError', async () => {
    await expect(new EgressPolicy([], dns).resolve('nowhere.test')).rejects.toMatchObject({
      code: 'HTTPError',
      message: "context.http: cannot resolve host 'nowhere.test' (ENOTFOUND)",
    });
  });
});
