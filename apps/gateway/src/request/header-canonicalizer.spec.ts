import { canonicalHeaders, canonicalMimeHeaderKey } from './header-canonicalizer';

describe('canonicalMimeHeaderKey (Go textproto)', () => {
  it.each([
    ['content-type', 'Content-Type'],
    ['CONTENT-TYPE', 'Content-Type'],
    ['Content-Type', 'Content-Type'],
    ['x-customheader', 'X-Customheader'],
    ['X-CustomHeader', 'X-Customheader'],
    ['apikey', 'Apikey'],
    ['api-key', 'Api-Key'],
    ['endpoint-signature', 'Endpoint-Signature'],
    ['www-authenticate', 'Www-Authenticate'],
    ['x--double', 'X--Double'],
    ['-leading', '-Leading'],
    ['a1-b2', 'A1-B2'],
    ['x_under_score', 'X_under_score'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalMimeHeaderKey(input)).toBe(expected);
  });

  it('returns keys with non-token bytes unchanged', () => {
    expect(canonicalMimeHeaderKey('bad key')).toBe('bad key');
    expect(canonicalMimeHeaderKey('bäd')).toBe('bäd');
  });
});

describe('canonicalHeaders', () => {
  it('groups every occurrence under the canonical key, in order', () => {
    const headers = canonicalHeaders([
      'x-customheader',
      'one',
      'Host',
      'h',
      'X-CUSTOMHEADER',
      'two',
      'accept',
      'a, b',
    ]);
    expect({ ...headers }).toEqual({ 'X-Customheader': ['one', 'two'], Host: ['h'], Accept: ['a, b'] });
  });

  it('keeps __proto__ as an ordinary header', () => {
    const headers = canonicalHeaders(['__proto__', 'x']);
    expect(headers['__proto__']).toEqual(['x']);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});
