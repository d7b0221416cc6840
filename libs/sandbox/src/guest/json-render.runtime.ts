/**
 * The `JSON` response format of a function's return value (reference §2.4's table): plain JSON
 * where each BSON type has a fixed rendering (ObjectId → hex, Date → ISO string, Decimal128 → string,
 * Int32/Long/Double → number, Binary → `{Subtype, Data}`, regex → `{Pattern, Options}`,
 * Timestamp → `{T, I}`, MinKey/MaxKey → `{}`).
 *
 * GUEST CODE: serialized with `Function.prototype.toString` and evaluated inside the isolate, so it
 * references nothing outside its body. Works on any BSON class by its `_bsontype` tag, so it needs
 * no access to the `BSON` global either (and a unit test can feed it the node build of bson).
 */
export function createJsonRenderer(
  bytesToBase64: (bytes: Uint8Array) => string,
): (value: unknown) => string | undefined {
  const stringify = JSON.stringify;

  interface BsonLike {
    _bsontype?: unknown;
    [key: string]: unknown;
  }

  function bsonBytes(binary: BsonLike): Uint8Array {
    const buffer = binary.buffer as Uint8Array;
    return buffer.subarray(0, binary.position as number);
  }

  function render(raw: BsonLike, fallback: unknown): unknown {
    switch (raw._bsontype) {
      case 'ObjectId':
      case 'ObjectID':
        return (raw.toHexString as () => string).call(raw);
      case 'Decimal128':
        return (raw as { toString(): string }).toString();
      case 'Int32':
      case 'Double':
        return (raw.valueOf as () => number).call(raw);
      case 'Long':
        return (raw.toNumber as () => number).call(raw);
      case 'Binary':
        return { Subtype: raw.sub_type, Data: bytesToBase64(bsonBytes(raw)) };
      case 'BSONRegExp':
        return { Pattern: raw.pattern, Options: raw.options };
      case 'Timestamp':
        return { T: raw.t, I: raw.i };
      case 'MinKey':
      case 'MaxKey':
        return {};
      case 'BSONSymbol':
        return String(raw.value);
      case 'Code':
        return String(raw.code);
      default:
        return fallback;
    }
  }

  function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
    // `value` has already been through `toJSON` (bson's Decimal128/Binary/Long `toJSON` give EJSON-ish
    // shapes), so look at the original property value instead.
    const raw = this[key];
    if (raw !== null && typeof raw === 'object') {
      if (typeof (raw as BsonLike)._bsontype === 'string') return render(raw as BsonLike, value);
      if (raw instanceof RegExp) return { Pattern: raw.source, Options: raw.flags };
    }
    if (typeof value === 'bigint') return Number(value);
    return value;
  }

  return (value: unknown) => stringify(value, replacer);
}
