import { BSONError, Double, EJSON, deserialize, serialize } from 'bson';
import type { Doc } from '../store.port';
import { MAX_DOCUMENT_BYTES } from '../store.constants';
import { isPlainObject, isRegex } from '../shared/documents';
import { invalidOperation } from '../shared/store-errors';
import { EXACT_BSON_READ } from '../shared/exact-bson';

/**
 * The stored form of a document: canonical Extended JSON of exactly what the driver would have
 * stored. The document goes through BSON first, so plain JS values get the driver's types (5 → int32,
 * 2**40 → double, undefined → null, functions dropped) and the 16 MB limit applies; canonical EJSON
 * then keeps every type (`$numberInt` vs `$numberDouble`, `$numberDecimal`, `$oid`…) while staying
 * JSON, which SQLite's JSON functions and expression indexes can read.
 */
export function toStoredText(doc: Doc): string {
  let bytes: Uint8Array;
  try {
    bytes = serialize(doc);
  } catch (err) {
    if (err instanceof BSONError) throw invalidOperation(`document cannot be stored: ${err.message}`);
    throw err;
  }
  if (bytes.byteLength > MAX_DOCUMENT_BYTES)
    throw invalidOperation(`document is ${bytes.byteLength} bytes; the limit is ${MAX_DOCUMENT_BYTES}`);
  return EJSON.stringify(deserialize(bytes, EXACT_BSON_READ), { relaxed: false });
}

/** A stored document back as BSON-typed values (the inverse of {@link toStoredText}). */
export const parseStored = (text: string): Doc => EJSON.parse(text, { relaxed: false }) as Doc;

/** `_id` values MongoDB treats as equal map to the same key: every number becomes a double. */
function normalizeIdNumbers(value: unknown): unknown {
  if (typeof value === 'number') return new Double(value);
  if (value !== null && typeof value === 'object') {
    const bsontype = (value as { _bsontype?: string })._bsontype;
    if (bsontype === 'Int32' || bsontype === 'Double') return new Double((value as { value: number }).value);
    if (bsontype === 'Long') {
      const n = (value as { toNumber(): number }).toNumber();
      return Number.isSafeInteger(n) ? new Double(n) : value;
    }
    if (isPlainObject(value))
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalizeIdNumbers(v)]));
  }
  return value;
}

/**
 * The text of the indexed `_id` column: canonical EJSON of the `_id` with numbers normalized, so an
 * `_id` lookup is one index search. Arrays and regular expressions are not valid `_id`s (as in MongoDB).
 */
export function idKey(id: unknown): string {
  if (Array.isArray(id)) throw invalidOperation("the '_id' value cannot be an array");
  if (isRegex(id)) throw invalidOperation("the '_id' value cannot be a regular expression");
  return EJSON.stringify(normalizeIdNumbers(id ?? null), { relaxed: false });
}
