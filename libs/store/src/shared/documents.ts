import { ObjectId } from 'bson';
import type { Doc, Update } from '../store.port';
import { invalidOperation } from './store-errors';

/** A plain `{...}` object (not an array, Date or BSON value class). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** `{ $gt: 1 }`-style: a plain object whose keys are operators. */
export function isOperatorObject(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'));
}

/** A regular expression, native or BSON: in a filter it matches rather than equals. */
export const isRegex = (value: unknown): boolean =>
  value instanceof RegExp || (value as { _bsontype?: string } | null)?._bsontype === 'BSONRegExp';

/**
 * The document as it will be inserted: an `_id` is added (a new ObjectId, first, as MongoDB does)
 * when it is missing or null, like the driver. The caller's object is never mutated.
 */
export function withId(doc: Doc): Doc {
  if (!isPlainObject(doc)) throw invalidOperation('a document must be an object');
  if (doc._id !== undefined && doc._id !== null) return doc;
  const { _id: _drop, ...rest } = doc;
  return { _id: new ObjectId(), ...rest };
}

/** Update documents are made of operators (`$set`, `$inc`…) or are an aggregation pipeline. */
export function assertUpdate(update: Update): void {
  if (Array.isArray(update)) {
    if (!update.every(isPlainObject)) throw invalidOperation('an update pipeline must be an array of stages');
    return;
  }
  if (!isPlainObject(update) || Object.keys(update).length === 0)
    throw invalidOperation('the update document must not be empty');
  const plain = Object.keys(update).find((k) => !k.startsWith('$'));
  if (plain !== undefined)
    throw invalidOperation(`the update document must contain only update operators, found '${plain}'`);
}

/** A replacement is a whole document: no operators at its top level. */
export function assertReplacement(replacement: Doc): void {
  if (!isPlainObject(replacement)) throw invalidOperation('the replacement must be a document');
  const op = Object.keys(replacement).find((k) => k.startsWith('$'));
  if (op !== undefined)
    throw invalidOperation(`the replacement document must not contain update operators, found '${op}'`);
}
