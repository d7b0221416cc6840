import { EJSON, Int32 } from 'bson';
import { decodeHttpRequest } from './http-request.codec';

const args = (...values: unknown[]) => EJSON.stringify(values, { relaxed: false });

describe('decodeHttpRequest', () => {
  it('keeps repeated header values, drops headers the client manages, EJSON numbers become text', () => {
    const req = decodeHttpRequest(
      args('get', {
        url: 'https://example.com/a',
        headers: { 'X-A': ['1', new Int32(2)], Host: ['evil.test'], 'Content-Length': ['9'] },
      }),
    );
    expect(req.method).toBe('GET');
    expect(req.headers).toEqual([
      ['X-A', '1'],
      ['X-A', '2'],
    ]);
    expect(req.followRedirects).toBe(false);
  });

  it('refuses what it cannot honour, naming the field', () => {
    expect(() => decodeHttpRequest(args('TRACE', { url: 'http://x.test' }))).toThrow(
      "unsupported method 'TRACE'",
    );
    expect(() => decodeHttpRequest(args('GET', { url: 'file:///etc/passwd' }))).toThrow(
      "unsupported scheme 'file'",
    );
    expect(() => decodeHttpRequest(args('GET', { url: 'not a url' }))).toThrow("invalid url 'not a url'");
    expect(() => decodeHttpRequest(args('GET', {}))).toThrow('url or host is required');
    expect(() => decodeHttpRequest(args('POST', { url: 'http://x.test', form: { a: 1 } }))).toThrow(
      "'form' is not supported",
    );
    expect(() => decodeHttpRequest(args('GET', 'http://x.test'))).toThrow('expects an object argument');
  });
});
