import { parseQueryString } from './query-string';

describe('parseQueryString', () => {
  it('keeps the first occurrence per key and the raw string in order', () => {
    const parsed = parseQueryString('b=2&a=1&a=3&regions=na,eu', false);
    expect({ ...parsed.query }).toEqual({ b: '2', a: '1', regions: 'na,eu' });
    expect(Object.keys(parsed.query)).toEqual(['b', 'a', 'regions']);
    expect(parsed.rawQueryString).toBe('b=2&a=1&a=3&regions=na,eu');
    expect(parsed.secret).toBeUndefined();
  });

  it('decodes + and percent escapes, keys without = and empty values', () => {
    const parsed = parseQueryString('q=a+b%20c&flag&empty=&caf%C3%A9=%E2%9C%93&&', false);
    expect({ ...parsed.query }).toEqual({ q: 'a b c', flag: '', empty: '', café: '✓' });
    expect(parsed.rawQueryString).toBe('q=a+b%20c&flag&empty=&caf%C3%A9=%E2%9C%93&&');
  });

  it('skips pairs with malformed escapes but keeps them in the raw string', () => {
    const parsed = parseQueryString('bad=%zz&ok=1&%E2=2', false);
    expect({ ...parsed.query }).toEqual({ ok: '1' });
    expect(parsed.rawQueryString).toBe('bad=%zz&ok=1&%E2=2');
  });

  it('leaves secret alone unless asked to strip it', () => {
    const parsed = parseQueryString('secret=s&x=1', false);
    expect(parsed.query.secret).toBe('s');
    expect(parsed.rawQueryString).toBe('secret=s&x=1');
  });

  it('strips every secret pair from query and rawQueryString and returns the first value', () => {
    const parsed = parseQueryString('someParam=42&secret=Super5ecr3tPa55w0rd&z=1&secret=second', true);
    expect(parsed.secret).toBe('Super5ecr3tPa55w0rd');
    expect({ ...parsed.query }).toEqual({ someParam: '42', z: '1' });
    expect(parsed.rawQueryString).toBe('someParam=42&z=1');
  });

  it('strips an encoded secret key and decodes its value', () => {
    const parsed = parseQueryString('secr%65t=a%2Bb+c&x=1', true);
    expect(parsed.secret).toBe('a+b c');
    expect(parsed.rawQueryString).toBe('x=1');
  });

  it('handles empty strings and a lone secret', () => {
    expect(parseQueryString('', true)).toEqual({ query: {}, rawQueryString: '', secret: undefined });
    const lone = parseQueryString('secret=x', true);
    expect(lone.rawQueryString).toBe('');
    expect(lone.secret).toBe('x');
  });

  it('treats __proto__ as an ordinary key', () => {
    const parsed = parseQueryString('__proto__=x&a=1', false);
    expect(parsed.query['__proto__']).toBe('x');
    expect(parsed.query.a).toBe('1');
  });
});
