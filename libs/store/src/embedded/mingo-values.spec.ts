import { BSONRegExp, Decimal128, Double, Int32, Long, ObjectId } from 'bson';
import { fromMingo, numericHints, toMingo } from './mingo-values';
import { traceablePipeline } from './mingo-aggregate';

describe('toMingo / fromMingo', () => {
  it('turns BSON numbers into JS numbers and BSONRegExp into RegExp, leaving other values as they are', () => {
    const oid = new ObjectId();
    const date = new Date(0);
    const out = toMingo({
      i: new Int32(1),
      d: new Double(1.5),
      l: Long.fromNumber(2),
      dec: Decimal128.fromString('3.25'),
      re: new BSONRegExp('^a', 'ix'),
      oid,
      date,
      list: [new Int32(4), { n: Long.fromNumber(5) }],
    });
    expect(out).toEqual({ i: 1, d: 1.5, l: 2, dec: 3.25, re: /^a/i, oid, date, list: [4, { n: 5 }] });
    expect((out as { oid: unknown }).oid).toBe(oid);
  });

  it('gives unchanged values back as the original BSON values', () => {
    const original = {
      dec: Decimal128.fromString('0.1000000000000000000000000000000001'),
      l: Long.fromString('9007199254740993'),
      s: 'x',
    };
    const restored = fromMingo(toMingo(original), original) as typeof original;
    expect(restored.dec).toBe(original.dec);
    expect(restored.l).toBe(original.l);
  });

  it('keeps the original type of a changed number; int32 arithmetic that overflows becomes a Long', () => {
    const original = {
      i: new Int32(1),
      big: new Int32(2147483647),
      l: Long.fromNumber(1),
      d: new Double(1),
      dec: Decimal128.fromString('1.5'),
      f: new Int32(1),
    };
    const changed = { i: 2, big: 2147483648, l: 2, d: 2, dec: 2.5, f: 1.5 };
    const restored = fromMingo(changed, original) as Record<string, unknown>;
    expect(restored.i).toEqual(new Int32(2));
    expect(restored.big).toEqual(Long.fromNumber(2147483648));
    expect(restored.l).toEqual(Long.fromNumber(2));
    expect(restored.d).toEqual(new Double(2));
    expect(String(restored.dec)).toBe('2.5');
    expect(restored.dec).toBeInstanceOf(Decimal128);
    expect(restored.f).toEqual(new Double(1.5));
  });

  it('takes new values from the update that set them, and array elements from where they moved', () => {
    const price = Decimal128.fromString('19.99');
    const restored = fromMingo(
      { price: 19.99, list: [3, 1] },
      { list: [Long.fromNumber(1), Long.fromNumber(2), Long.fromNumber(3)] },
      {
        hints: numericHints({ $set: { price } }),
      },
    ) as { price: unknown; list: unknown[] };
    expect(restored.price).toBe(price);
    expect(restored.list).toEqual([Long.fromNumber(3), Long.fromNumber(1)]);
  });

  it('gives RegExp results back as BSONRegExp', () => {
    expect(fromMingo(/x/i, undefined)).toEqual(new BSONRegExp('x', 'i'));
  });
});

describe('traceablePipeline', () => {
  it('keeps _id through projections that drop it and says to drop it at the end', () => {
    expect(traceablePipeline([{ $match: { a: 1 } }, { $project: { _id: 0, a: 1 } }])).toEqual({
      stages: [{ $match: { a: 1 } }, { $project: { a: 1 } }],
      dropId: true,
    });
    expect(traceablePipeline([{ $project: { _id: 0 } }])).toEqual({ stages: [], dropId: true });
    expect(traceablePipeline([{ $unset: ['_id', 'b'] }])).toEqual({
      stages: [{ $unset: ['b'] }],
      dropId: true,
    });
    expect(traceablePipeline([{ $sort: { a: 1 } }, { $project: { a: 1 } }])).toEqual({
      stages: [{ $sort: { a: 1 } }, { $project: { a: 1 } }],
      dropId: false,
    });
  });

  it('gives up when outputs are not inputs under their own _id', () => {
    expect(traceablePipeline([{ $group: { _id: '$a' } }])).toBeNull();
    expect(traceablePipeline([{ $project: { _id: '$a' } }])).toBeNull();
    expect(traceablePipeline([{ $set: { _id: 1 } }])).toBeNull();
    expect(traceablePipeline([{ $project: { _id: 0 } }, { $match: { _id: { $exists: false } } }])).toBeNull();
  });
});
