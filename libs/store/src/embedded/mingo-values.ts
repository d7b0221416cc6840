import { BSONRegExp, Decimal128, Double, Int32, Long } from 'bson';
import { isEqual } from 'mingo/util';
import { isPlainObject } from '../shared/documents';

/*
 * mingo compares plain JS values. BSON number classes (Int32, Double, Long, Decimal128) are objects to
 * it, so `{n: {$gt: 5}}` would never match `n: Int32(7)` and `$inc` would concatenate strings. Documents,
 * filters, updates and pipelines therefore cross into mingo as "comparable" values: every BSON number
 * becomes a JS number (MongoDB compares numbers across types by value, so this is its semantics; only
 * Long beyond 2^53 and Decimal128 beyond double precision compare approximately) and BSONRegExp becomes a
 * RegExp. ObjectId, Date, Binary and the rest stay as they are: mingo compares Dates natively and other
 * classes by `toString()` (ObjectId by its hex, which also orders them by creation time).
 *
 * Results come back with `fromMingo`, which puts the original BSON value back wherever the value is
 * unchanged and otherwise keeps the type the field had (an `$inc` on a Long stays a Long).
 */

const bsonType = (value: unknown): string | undefined =>
  value !== null && typeof value === 'object' ? (value as { _bsontype?: string })._bsontype : undefined;

/** JavaScript supports MongoDB's `i`, `m`, `s` and `u` flags; `x` and `l` have no equivalent. */
function toRegExp(value: BSONRegExp): RegExp | undefined {
  try {
    return new RegExp(value.pattern, [...value.options].filter((f) => 'imsu'.includes(f)).join(''));
  } catch {
    return undefined;
  }
}

/** The number a BSON numeric value stands for, or undefined when `value` is not one. */
function numericValue(value: unknown): number | undefined {
  switch (bsonType(value) ?? '') {
    case 'Int32':
    case 'Double':
      return (value as Int32 | Double).value;
    case 'Long':
      return (value as Long).toNumber();
    case 'Decimal128':
      return Number((value as Decimal128).toString());
    default:
      return undefined;
  }
}

/**
 * `value` as mingo should see it. When `track` is given, every array and object created is mapped to
 * the original it came from, so results that pass through a pipeline untouched can be restored.
 */
export function toMingo(value: unknown, track?: WeakMap<object, unknown>): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = value.map((v) => toMingo(v, track));
    track?.set(out, value);
    return out;
  }
  const n = numericValue(value);
  if (n !== undefined) return n;
  if (bsonType(value) === 'BSONRegExp') return toRegExp(value as BSONRegExp) ?? value;
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = toMingo(value[key], track);
  track?.set(out, value);
  return out;
}

/** True when `original` shows to mingo as `comparable`. */
const sameValue = (comparable: unknown, original: unknown): boolean => isEqual(comparable, toMingo(original));

/** A computed number in the type its field had: Int32 arithmetic that leaves int32 becomes Long, as in MongoDB. */
function rewrap(n: number, typeOf: unknown): unknown {
  switch (bsonType(typeOf) ?? '') {
    case 'Int32':
      if (!Number.isInteger(n)) return new Double(n);
      return n >= -0x80000000 && n <= 0x7fffffff ? new Int32(n) : Long.fromNumber(n);
    case 'Long':
      return Number.isInteger(n) ? Long.fromNumber(n) : new Double(n);
    case 'Double':
      return new Double(n);
    case 'Decimal128':
      return Decimal128.fromString(String(n));
    default:
      return n;
  }
}

/**
 * BSON values of an update or a replacement keyed by the number mingo sees, so a `$set` of a
 * Decimal128 comes back as that Decimal128 rather than as a double.
 */
export function numericHints(value: unknown, hints = new Map<number, unknown>()): Map<number, unknown> {
  if (value === null || typeof value !== 'object') return hints;
  const n = numericValue(value);
  if (n !== undefined) {
    if (!hints.has(n)) hints.set(n, value);
  } else if (Array.isArray(value)) {
    for (const v of value) numericHints(v, hints);
  } else if (isPlainObject(value)) {
    for (const v of Object.values(value)) numericHints(v, hints);
  }
  return hints;
}

export interface RestoreContext {
  /** From {@link numericHints}. */
  hints?: Map<number, unknown>;
  /** From {@link toMingo}'s `track`: the original of an object or array that mingo passed through. */
  track?: WeakMap<object, unknown>;
}

/** The original array element `element` most likely came from: same index, else the first equal one. */
function guideElement(element: unknown, index: number, originals: unknown[] | undefined): unknown {
  if (!originals) return undefined;
  if (index < originals.length && sameValue(element, originals[index])) return originals[index];
  return originals.find((o) => sameValue(element, o)) ?? originals[index];
}

/**
 * The BSON-typed form of a mingo result. `original` is the value at the same place before mingo ran
 * (a document, a field, or undefined when there is none): unchanged values are taken from it as they
 * were; changed numbers keep its type; other numbers are left for BSON to type (int32 or double).
 */
export function fromMingo(value: unknown, original: unknown, ctx: RestoreContext = {}): unknown {
  if (typeof value === 'number') {
    if (original !== undefined && sameValue(value, original)) return original;
    const hinted = ctx.hints?.get(value);
    if (hinted !== undefined) return hinted;
    return rewrap(value, original);
  }
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof RegExp) {
    if (bsonType(original) === 'BSONRegExp' && sameValue(value, original)) return original;
    return new BSONRegExp(value.source, value.flags);
  }
  if (Array.isArray(value)) {
    const guide = Array.isArray(original) ? original : ctx.track?.get(value);
    const originals = Array.isArray(guide) ? (guide as unknown[]) : undefined;
    return value.map((el, i) => fromMingo(el, guideElement(el, i, originals), ctx));
  }
  if (!isPlainObject(value)) return value;
  const guide = isPlainObject(original) ? original : ctx.track?.get(value);
  const originals = isPlainObject(guide) ? guide : undefined;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = fromMingo(value[key], originals?.[key], ctx);
  return out;
}
