import { ejsonCodec } from './ejson.codec';
import { jsonCodec } from './json.codec';

describe('JSON and EJSON codecs', () => {
  const date = new Date('2023-05-05T01:02:03.456Z');

  it('JSON renders a Date as ISO and round-trips plain values', () => {
    expect(jsonCodec.encode({ greeting: 'Hello, World!', date }).toString()).toBe(
      '{"greeting":"Hello, World!","date":"2023-05-05T01:02:03.456Z"}',
    );
    expect(jsonCodec.decode(Buffer.from('{"a":[1,"x",null]}'))).toEqual({ a: [1, 'x', null] });
    expect(jsonCodec.encode(undefined).toString()).toBe('null');
  });

  it('EJSON answers canonical EJSON (the /hello/latest example of reference §2.4)', () => {
    expect(ejsonCodec.encode({ date, n: 42, d: 2.5 }).toString()).toBe(
      '{"date":{"$date":{"$numberLong":"1683248523456"}},"n":{"$numberInt":"42"},"d":{"$numberDouble":"2.5"}}',
    );
  });

  it('EJSON decodes canonical and relaxed input', () => {
    const canonical = ejsonCodec.decode(
      Buffer.from('{"when":{"$date":{"$numberLong":"1638551310749"}},"n":{"$numberInt":"7"}}'),
    );
    expect(canonical).toEqual({ when: new Date(1638551310749), n: 7 });
    const relaxed = ejsonCodec.decode(Buffer.from('{"when":{"$date":"2021-12-03T17:08:30.749Z"}}')) as {
      when: Date;
    };
    expect(relaxed.when.getTime()).toBe(1638551310749);
  });

  it('decodes from a view into a larger buffer', () => {
    const backing = Buffer.from('xx{"a":1}yy');
    expect(jsonCodec.decode(backing.subarray(2, 9))).toEqual({ a: 1 });
  });
});
