import {
  Binary,
  BSONRegExp,
  Decimal128,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
  UUID,
} from 'bson';
import { createJsonRenderer } from './json-render.runtime';

const render = createJsonRenderer((bytes) => Buffer.from(bytes).toString('base64'));

describe('createJsonRenderer (the JSON response format)', () => {
  it('renders every BSON type as reference §2.4 says', () => {
    const value = {
      id: new ObjectId('5ae782e48f25b9dc5c51c4a5'),
      date: new Date('2023-05-05T01:02:03.456Z'),
      dec: Decimal128.fromString('1.50'),
      i32: new Int32(7),
      long: Long.fromNumber(9_007_199_254),
      dbl: new Double(1.5),
      bin: new Binary(Uint8Array.of(1, 2, 3), 5),
      bre: new BSONRegExp('^H', 'i'),
      re: /^H/gi,
      ts: new Timestamp({ t: 10, i: 2 }),
      min: new MinKey(),
      max: new MaxKey(),
    };
    expect(JSON.parse(render(value)!)).toEqual({
      id: '5ae782e48f25b9dc5c51c4a5',
      date: '2023-05-05T01:02:03.456Z',
      dec: '1.50',
      i32: 7,
      long: 9_007_199_254,
      dbl: 1.5,
      bin: { Subtype: 5, Data: 'AQID' },
      bre: { Pattern: '^H', Options: 'i' },
      re: { Pattern: '^H', Options: 'gi' },
      ts: { T: 10, I: 2 },
      min: {},
      max: {},
    });
  });

  it('renders nested values, arrays and top-level BSON values', () => {
    expect(render([{ a: [new Int32(1), new ObjectId('5ae782e48f25b9dc5c51c4a5')] }])).toBe(
      '[{"a":[1,"5ae782e48f25b9dc5c51c4a5"]}]',
    );
    expect(render(new ObjectId('5ae782e48f25b9dc5c51c4a5'))).toBe('"5ae782e48f25b9dc5c51c4a5"');
    expect(render('Hello World!')).toBe('"Hello World!"');
    expect(render(new UUID('01234567-89ab-4def-8123-456789abcdef'))).toBe(
      '{"Subtype":4,"Data":"ASNFZ4mrTe+BI0VniavN7w=="}',
    );
  });

  it('keeps plain JSON semantics for everything else', () => {
    expect(render({ a: undefined, b: null, c: 1n, d: 'x' })).toBe('{"b":null,"c":1,"d":"x"}');
    expect(render(undefined)).toBeUndefined();
  });
});
