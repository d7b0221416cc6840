import { ObjectId } from 'bson';
import { ProcessingMode, Query, updateOne } from 'mingo';
import { HashMap, MingoError, setValue } from 'mingo/util';
import type { Doc, Filter, Update } from '../store.port';
import { isOperatorObject, isPlainObject, isRegex } from '../shared/documents';
import { invalidOperation } from '../shared/store-errors';
import { idKey } from './document-codec';
import { fromMingo, numericHints, toMingo } from './mingo-values';

/**
 * Every query, update, projection, sort and aggregation of the embedded adapter goes through mingo
 * (DESIGN "Storage"); this file only adapts values (see mingo-values.ts) and maps mingo's errors.
 * Scripts (`$where`, `$function`, `$accumulator`) are off: they would run tenant code in a platform process.
 */
export const MINGO_OPTIONS: ConstructorParameters<typeof Query>[1] = {
  idKey: '_id',
  scriptEnabled: false,
  useStrictMode: true,
  processingMode: ProcessingMode.CLONE_OFF,
};

/** A stored document: its row, its stored text, its BSON-typed form and the form mingo compares. */
export class StoredRow {
  private comparableForm?: Record<string, unknown>;

  constructor(
    readonly seq: number,
    readonly idKey: string,
    readonly text: string,
    readonly doc: Doc,
  ) {}

  /** Computed on first use: an `_id` lookup without sort or projection never needs it. */
  get comparable(): Record<string, unknown> {
    return (this.comparableForm ??= toMingo(this.doc) as Record<string, unknown>);
  }
}

/** Runs mingo, turning its input errors (unknown operator, bad projection…) into InvalidParameter. */
export function withMingo<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof MingoError) throw invalidOperation(err.message);
    throw err;
  }
}

/** The `_id` keys `value` (the filter's `_id` condition) pins down, or null when it pins none. */
function idKeysOf(value: unknown): string[] | null {
  if (!isOperatorObject(value)) return isRegex(value) || Array.isArray(value) ? null : [idKey(value)];
  const ops = Object.keys(value);
  if (ops.length !== 1) return null;
  if (ops[0] === '$eq' && !isRegex(value.$eq) && !Array.isArray(value.$eq)) return [idKey(value.$eq)];
  if (
    ops[0] === '$in' &&
    Array.isArray(value.$in) &&
    !value.$in.some((v) => isRegex(v) || Array.isArray(v))
  ) {
    return [...new Set(value.$in.map(idKey))];
  }
  return null;
}

/** Compiled once: the query of an empty filter (sorting, projecting a document the filter no longer matches). */
let matchAll: Query | undefined;
const emptyQuery = (): Query => (matchAll ??= new Query({}, MINGO_OPTIONS));

/**
 * A filter, ready to run: the `_id` keys it pins (so the repository reads those rows through the
 * index) and mingo's compiled query for the rest, compiled only when needed (compiling costs tens of
 * microseconds, more than the whole `_id` lookup).
 */
export class DocumentFilter {
  /** `_id` keys the filter pins (`{_id: x}`, `{_id: {$eq: x}}`, `{_id: {$in: [...]}}`), or null. */
  readonly idKeys: string[] | null;
  /** True when reading the rows of `idKeys` is the whole filter: nothing left for mingo to check. */
  readonly byIdOnly: boolean;
  private compiled?: Query;

  constructor(readonly filter: Filter) {
    if (!isPlainObject(filter)) throw invalidOperation('a filter must be a document');
    const keys = Object.keys(filter);
    this.idKeys = Object.hasOwn(filter, '_id') ? idKeysOf(filter._id) : null;
    this.byIdOnly = keys.length === 0 || (this.idKeys !== null && keys.length === 1);
  }

  private get query(): Query {
    return (this.compiled ??= withMingo(
      () => new Query(toMingo(this.filter) as Record<string, unknown>, MINGO_OPTIONS),
    ));
  }

  matches(row: StoredRow): boolean {
    return this.byIdOnly || withMingo(() => this.query.test(row.comparable));
  }

  /** The filter as an update's condition (it locates the element of a positional `$` update). */
  get updateCondition(): Filter {
    return this.byIdOnly ? {} : this.filter;
  }

  /** `rows` in `sort` order (natural order when none), then `skip` and `limit` (0 = no limit). */
  order(rows: StoredRow[], sort?: Record<string, 1 | -1>, skip = 0, limit = 0): StoredRow[] {
    if (skip < 0) throw invalidOperation('skip must not be negative');
    const hasSort = sort !== undefined && Object.keys(sort).length > 0;
    if (!hasSort) return rows.slice(skip, limit ? skip + Math.abs(limit) : undefined);
    const byComparable = new Map(rows.map((r) => [r.comparable, r]));
    return withMingo(() => {
      let cursor = emptyQuery()
        .find<Record<string, unknown>>(rows.map((r) => r.comparable))
        .sort(toMingo(sort) as Record<string, unknown>);
      if (skip) cursor = cursor.skip(skip);
      if (limit) cursor = cursor.limit(Math.abs(limit));
      return cursor.all().map((c) => byComparable.get(c) as StoredRow);
    });
  }

  /**
   * The document as the projection shows it. For a document the filter matched, the filter takes
   * part, as in MongoDB, for the positional `field.$` projection; `matched: false` is for a document
   * it may no longer match (the new document of a findOneAndUpdate). Fields keep the document's order.
   */
  project(row: StoredRow, projection?: Doc, matched = true): Doc {
    if (projection === undefined || Object.keys(projection).length === 0) return row.doc;
    const query = matched && !this.byIdOnly ? this.query : emptyQuery();
    const [projected] = withMingo(() =>
      query
        .find<Record<string, unknown>>([row.comparable], toMingo(projection) as Record<string, unknown>)
        .all(),
    );
    const restored = fromMingo(projected, row.doc) as Doc;
    const ordered: Doc = {};
    for (const key of Object.keys(row.doc)) if (key in restored) ordered[key] = restored[key];
    return Object.assign(ordered, restored);
  }
}

/**
 * The document `doc` becomes under `update` (operators or a pipeline). `condition` is the filter that
 * matched it (for positional `$` updates); `inserting` is true for the document an upsert creates:
 * then `$setOnInsert` applies and the filter is not re-checked.
 */
export function applyUpdate(doc: Doc, condition: Filter, update: Update, inserting: boolean): Doc {
  let modifier = update;
  if (!Array.isArray(update) && update.$setOnInsert !== undefined) {
    const { $setOnInsert, ...rest } = update;
    modifier = inserting
      ? { ...rest, $set: { ...(rest.$set as Doc | undefined), ...($setOnInsert as Doc) } }
      : rest;
    if (Object.keys(modifier).length === 0) return doc;
  }
  const docs = [toMingo(doc) as Record<string, unknown>];
  withMingo(() =>
    updateOne(
      docs,
      (inserting ? {} : toMingo(condition)) as Record<string, unknown>,
      toMingo(modifier) as Parameters<typeof updateOne>[2],
      {},
      MINGO_OPTIONS,
    ),
  );
  return fromMingo(docs[0], doc, { hints: numericHints(modifier) }) as Doc;
}

/**
 * The document an upsert starts from: the filter's equality conditions (`{a: 1}`, `{a: {$eq: 1}}`,
 * also inside `$and`), as MongoDB seeds it, before the update applies.
 */
export function upsertSeed(filter: Filter, seed: Doc = {}): Doc {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const part of value) if (isPlainObject(part)) upsertSeed(part, seed);
      continue;
    }
    if (key.startsWith('$')) continue;
    const equal = isOperatorObject(value) ? (Object.hasOwn(value, '$eq') ? value.$eq : undefined) : value;
    if (equal === undefined || isRegex(equal)) continue;
    setValue(seed, key, equal);
  }
  return seed;
}

/** `doc` with `_id` first: the one it has, or a new ObjectId. */
export function ensureIdFirst(doc: Doc): Doc {
  const { _id, ...rest } = doc;
  return { _id: _id ?? new ObjectId(), ...rest };
}

/** The values at a dotted path, arrays unwound as `distinct` does (along the path and at its end). */
function valuesAt(value: unknown, path: string[]): unknown[] {
  if (path.length === 0) return Array.isArray(value) ? value : value === undefined ? [] : [value];
  if (Array.isArray(value)) {
    if (/^\d+$/.test(path[0])) return valuesAt(value[Number(path[0])], path.slice(1));
    return value.flatMap((v) => valuesAt(v, path));
  }
  if (isPlainObject(value) && Object.hasOwn(value, path[0])) return valuesAt(value[path[0]], path.slice(1));
  return [];
}

/** Distinct values of `field` over `docs`, equal values (by MongoDB's comparison) counted once. */
export function distinct(docs: Doc[], field: string): unknown[] {
  // mingo's HashMap compares keys as mingo does ($in, $group): 1, Int32(1) and Long(1) are one value.
  const seen = HashMap.init<unknown, unknown>();
  for (const doc of docs) {
    for (const value of valuesAt(doc, field.split('.'))) {
      const comparable = toMingo(value);
      if (!seen.has(comparable)) seen.set(comparable, value);
    }
  }
  return [...seen.values()];
}
