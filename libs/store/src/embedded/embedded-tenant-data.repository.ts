import type Database from 'better-sqlite3';
import type { AppId } from '@portico/contracts';
import type {
  BulkWriteOp,
  Doc,
  Filter,
  FindOptions,
  Namespace,
  TenantDataRepository,
  Update,
  UpdateResult,
  FindOneAndModifyOptions,
} from '../store.port';
import { assertReplacement, assertUpdate, isPlainObject, withId } from '../shared/documents';
import { assertNamespace } from '../shared/namespace';
import { assertPipelineAllowed } from '../shared/pipeline-guard';
import { settle } from '../shared/settle';
import { duplicateKeyError, invalidOperation } from '../shared/store-errors';
import { idKey, parseStored, toStoredText } from './document-codec';
import { DocumentFilter, applyUpdate, distinct, ensureIdFirst, upsertSeed, StoredRow } from './mingo-engine';
import { aggregate } from './mingo-aggregate';

type Sort = Record<string, 1 | -1>;
type Scope = [appId: string, db: string, coll: string];
interface Row {
  seq: number;
  id_key: string;
  doc: string;
}

/** SQL of the `_id` lookup; exported so a test can show SQLite answers it with an index search. */
export const SELECT_BY_ID_SQL =
  'SELECT seq, id_key, doc FROM tenant_documents WHERE app_id = ? AND db = ? AND coll = ? AND id_key = ?';
const SELECT_COLLECTION_SQL =
  'SELECT seq, id_key, doc FROM tenant_documents WHERE app_id = ? AND db = ? AND coll = ? ORDER BY seq';

const toStoredRow = (row: Row): StoredRow =>
  new StoredRow(row.seq, row.id_key, row.doc, parseStored(row.doc));

interface WriteOutcome {
  error?: Error;
}

/**
 * Tenant documents in SQLite with MongoDB semantics from mingo. Rows are keyed by (app, db,
 * collection, `_id`), so one app never reads another's documents whatever names they use. Reads
 * fetch the candidate rows (by `_id` through the unique index when the filter pins `_id`, else the
 * whole collection) and let mingo filter, sort, project and aggregate them; indexes on other fields
 * are a later issue. Every write that reads first runs in one `BEGIN IMMEDIATE` transaction.
 */
export class EmbeddedTenantDataRepository implements TenantDataRepository {
  private readonly stmt;

  constructor(private readonly db: Database.Database) {
    this.stmt = {
      byId: db.prepare<[...Scope, string], Row>(SELECT_BY_ID_SQL),
      collection: db.prepare<Scope, Row>(SELECT_COLLECTION_SQL),
      insert: db.prepare<[...Scope, string, string]>(
        'INSERT INTO tenant_documents (app_id, db, coll, id_key, doc) VALUES (?, ?, ?, ?, ?)',
      ),
      update: db.prepare<[string, number]>('UPDATE tenant_documents SET doc = ? WHERE seq = ?'),
      delete: db.prepare<[number]>('DELETE FROM tenant_documents WHERE seq = ?'),
      ensureCollection: db.prepare<Scope>(
        'INSERT OR IGNORE INTO tenant_collections (app_id, db, coll) VALUES (?, ?, ?)',
      ),
      databases: db.prepare<[string], { db: string }>(
        'SELECT DISTINCT db FROM tenant_collections WHERE app_id = ? ORDER BY db',
      ),
      collections: db.prepare<[string, string], { coll: string }>(
        'SELECT coll FROM tenant_collections WHERE app_id = ? AND db = ? ORDER BY coll',
      ),
      dropDocuments: db.prepare<[string]>('DELETE FROM tenant_documents WHERE app_id = ?'),
      dropCollections: db.prepare<[string]>('DELETE FROM tenant_collections WHERE app_id = ?'),
    };
  }

  // ---- reads ----

  find(appId: AppId, ns: Namespace, filter: Filter, options: FindOptions = {}): Promise<Doc[]> {
    return settle(() => {
      const scope = this.scope(appId, ns);
      const query = new DocumentFilter(filter);
      const rows = query.order(this.matching(scope, query), options.sort, options.skip, options.limit);
      return rows.map((row) => query.project(row, options.projection));
    });
  }

  findOne(
    appId: AppId,
    ns: Namespace,
    filter: Filter,
    options: Omit<FindOptions, 'limit'> = {},
  ): Promise<Doc | null> {
    return settle(() => {
      const scope = this.scope(appId, ns);
      const query = new DocumentFilter(filter);
      const [row] = query.order(this.matching(scope, query), options.sort, options.skip, 1);
      return row ? query.project(row, options.projection) : null;
    });
  }

  count(
    appId: AppId,
    ns: Namespace,
    filter: Filter,
    options: { skip?: number; limit?: number } = {},
  ): Promise<number> {
    return settle(() => {
      const scope = this.scope(appId, ns);
      const query = new DocumentFilter(filter);
      const skip = options.skip ?? 0;
      const matched = Math.max(0, this.matching(scope, query).length - skip);
      return options.limit ? Math.min(matched, Math.abs(options.limit)) : matched;
    });
  }

  distinct(appId: AppId, ns: Namespace, field: string, filter: Filter): Promise<unknown[]> {
    return settle(() => {
      if (typeof field !== 'string' || field === '') throw invalidOperation('distinct needs a field name');
      const scope = this.scope(appId, ns);
      const query = new DocumentFilter(filter);
      return distinct(
        this.matching(scope, query).map((r) => r.doc),
        field,
      );
    });
  }

  aggregate(appId: AppId, ns: Namespace, pipeline: Doc[]): Promise<Doc[]> {
    return settle(() => {
      const scope = this.scope(appId, ns);
      assertPipelineAllowed(pipeline);
      const load = (coll: string) =>
        this.stmt.collection.all(...coll3(scope, coll)).map((r) => parseStored(r.doc));
      return this.db.transaction(() =>
        aggregate(load(scope[2]), pipeline, (coll) => load(assertCollection(coll))),
      )();
    });
  }

  listDatabases(appId: AppId): Promise<string[]> {
    return settle(() => this.stmt.databases.all(appId).map((r) => r.db));
  }

  listCollections(appId: AppId, db: string): Promise<string[]> {
    return settle(() => this.stmt.collections.all(appId, db).map((r) => r.coll));
  }

  // ---- writes ----

  insertOne(appId: AppId, ns: Namespace, doc: Doc): Promise<{ insertedId: unknown }> {
    return settle(() => {
      const scope = this.scope(appId, ns);
      return { insertedId: this.db.transaction(() => this.insert(scope, withId(doc))).immediate() };
    });
  }

  insertMany(
    appId: AppId,
    ns: Namespace,
    docs: Doc[],
    options: { ordered?: boolean } = {},
  ): Promise<{ insertedIds: unknown[] }> {
    return settle(() => {
      const scope = this.scope(appId, ns);
      if (!Array.isArray(docs) || docs.length === 0)
        throw invalidOperation('insertMany needs a non-empty array of documents');
      const prepared = docs.map(withId);
      const outcome = this.writeBatch(
        prepared.map((doc) => () => this.insert(scope, doc)),
        options.ordered ?? true,
      );
      if (outcome.error !== undefined) throw outcome.error;
      return { insertedIds: prepared.map((d) => d._id) };
    });
  }

  updateOne(
    appId: AppId,
    ns: Namespace,
    filter: Filter,
    update: Update,
    options: { upsert?: boolean } = {},
  ): Promise<UpdateResult> {
    return settle(() => {
      const scope = this.scope(appId, ns);
      return this.db
        .transaction(() => this.update(scope, filter, update, options.upsert ?? false, false))
        .immediate();
    });
  }

  updateMany(
    appId: AppId,
    ns: Namespace,
    filter: Filter,
    update: Update,
    options: { upsert?: boolean } = {},
  ): Promise<UpdateResult> {
    return settle(() => {
      const scope = this.scope(appId, ns);
      return this.db
        .transaction(() => this.update(scope, filter, update, options.upsert ?? false, true))
        .immediate();
    });
  }

  replaceOne(
    appId: AppId,
    ns: Namespace,
    filter: Filter,
    replacement: Doc,
    options: { upsert?: boolean } = {},
  ): Promise<UpdateResult> {
    return settle(() => {
      const scope = this.scope(appId, ns);
      return this.db
        .transaction(() => this.replace(scope, filter, replacement, options.upsert ?? false))
        .immediate();
    });
  }

  deleteOne(appId: AppId, ns: Namespace, filter: Filter): Promise<{ deletedCount: number }> {
    return settle(() => {
      const scope = this.scope(appId, ns);
      return { deletedCount: this.db.transaction(() => this.delete(scope, filter, false)).immediate() };
    });
  }

  deleteMany(appId: AppId, ns: Namespace, filter: Filter): Promise<{ deletedCount: number }> {
    return settle(() => {
      const scope = this.scope(appId, ns);
      return { deletedCount: this.db.transaction(() => this.delete(scope, filter, true)).immediate() };
    });
  }

  findOneAndUpdate(
    appId: AppId,
    ns: Namespace,
    filter: Filter,
    update: Update,
    options: FindOneAndModifyOptions = {},
  ): Promise<Doc | null> {
    return settle(() => {
      const scope = this.scope(appId, ns);
      assertUpdate(update);
      return this.findAndModify(scope, filter, options, (row, query) =>
        row ? applyUpdate(row.doc, query.updateCondition, update, false) : upsertDoc(filter, update),
      );
    });
  }

  findOneAndReplace(
    appId: AppId,
    ns: Namespace,
    filter: Filter,
    replacement: Doc,
    options: FindOneAndModifyOptions = {},
  ): Promise<Doc | null> {
    return settle(() => {
      const scope = this.scope(appId, ns);
      assertReplacement(replacement);
      return this.findAndModify(scope, filter, options, (row) =>
        row ? replaced(row, replacement) : replacementUpsert(filter, replacement),
      );
    });
  }

  findOneAndDelete(
    appId: AppId,
    ns: Namespace,
    filter: Filter,
    options: { sort?: Sort; projection?: Doc } = {},
  ): Promise<Doc | null> {
    return settle(() => {
      const scope = this.scope(appId, ns);
      return this.db
        .transaction(() => {
          const query = new DocumentFilter(filter);
          const [row] = query.order(this.matching(scope, query), options.sort, 0, 1);
          if (!row) return null;
          this.stmt.delete.run(row.seq);
          return query.project(row, options.projection);
        })
        .immediate();
    });
  }

  bulkWrite(
    appId: AppId,
    ns: Namespace,
    ops: BulkWriteOp[],
    options: { ordered?: boolean } = {},
  ): Promise<null> {
    return settle(() => {
      const scope = this.scope(appId, ns);
      if (!Array.isArray(ops) || ops.length === 0)
        throw invalidOperation('bulkWrite needs a non-empty array of operations');
      const outcome = this.writeBatch(
        ops.map((op) => () => this.bulkOp(scope, op)),
        options.ordered ?? true,
      );
      if (outcome.error !== undefined) throw outcome.error;
      return null;
    });
  }

  dropApp(appId: AppId): Promise<void> {
    return settle(() => {
      this.db
        .transaction(() => {
          this.stmt.dropDocuments.run(appId);
          this.stmt.dropCollections.run(appId);
        })
        .immediate();
    });
  }

  // ---- internals (synchronous, called inside a transaction) ----

  private scope(appId: AppId, ns: Namespace): Scope {
    assertNamespace(ns);
    return [appId, ns.db, ns.collection];
  }

  /** Rows matching the filter, in natural (insertion) order. */
  private matching(scope: Scope, query: DocumentFilter): StoredRow[] {
    const keys = query.idKeys;
    let rows: Row[];
    if (keys === null) {
      rows = this.stmt.collection.all(...scope);
    } else {
      rows = keys.flatMap((key) => this.stmt.byId.all(...scope, key));
      if (keys.length > 1) rows.sort((a, b) => a.seq - b.seq);
    }
    return rows.map(toStoredRow).filter((row) => query.matches(row));
  }

  /** Inserts one document (already given its `_id`), returning the `_id`. */
  private insert(scope: Scope, doc: Doc): unknown {
    const key = idKey(doc._id);
    const text = toStoredText(doc);
    this.stmt.ensureCollection.run(...scope);
    try {
      this.stmt.insert.run(...scope, key, text);
    } catch (err) {
      // Duck-typed, not `instanceof SqliteError`: the native addon keeps the error class of the first
      // module instance that loaded it, so under jest's per-file registries instanceof lies.
      if ((err as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw duplicateKeyError(`collection: ${scope[1]}.${scope[2]} index: _id_ dup key: { _id: ${key} }`);
      }
      throw err;
    }
    return doc._id;
  }

  /** Writes a changed document over its row; false when nothing changed (MongoDB's modifiedCount). */
  private rewrite(row: StoredRow, doc: Doc): boolean {
    if (idKey(doc._id) !== row.idKey) {
      throw invalidOperation("Performing an update on the path '_id' would modify the immutable field '_id'");
    }
    const text = toStoredText(doc);
    if (text === row.text) return false;
    this.stmt.update.run(text, row.seq);
    return true;
  }

  private update(
    scope: Scope,
    filter: Filter,
    update: Update,
    upsert: boolean,
    multi: boolean,
  ): UpdateResult {
    assertUpdate(update);
    const query = new DocumentFilter(filter);
    const matched = this.matching(scope, query);
    const targets = multi ? matched : matched.slice(0, 1);
    if (targets.length === 0 && upsert) {
      return {
        matchedCount: 0,
        modifiedCount: 0,
        upsertedId: this.insert(scope, upsertDoc(filter, update)),
      };
    }
    let modifiedCount = 0;
    for (const row of targets) {
      if (this.rewrite(row, applyUpdate(row.doc, query.updateCondition, update, false))) modifiedCount++;
    }
    return { matchedCount: targets.length, modifiedCount };
  }

  private replace(scope: Scope, filter: Filter, replacement: Doc, upsert: boolean): UpdateResult {
    assertReplacement(replacement);
    const query = new DocumentFilter(filter);
    const [row] = this.matching(scope, query);
    if (!row) {
      if (!upsert) return { matchedCount: 0, modifiedCount: 0 };
      return {
        matchedCount: 0,
        modifiedCount: 0,
        upsertedId: this.insert(scope, replacementUpsert(filter, replacement)),
      };
    }
    return { matchedCount: 1, modifiedCount: this.rewrite(row, replaced(row, replacement)) ? 1 : 0 };
  }

  private delete(scope: Scope, filter: Filter, multi: boolean): number {
    const query = new DocumentFilter(filter);
    const matched = this.matching(scope, query);
    const targets = multi ? matched : matched.slice(0, 1);
    for (const row of targets) this.stmt.delete.run(row.seq);
    return targets.length;
  }

  /**
   * findOneAndUpdate / findOneAndReplace: the first match in `sort` order becomes `change(row)`, or
   * `change(null)` is inserted on upsert. Returns the document before the change unless
   * `returnNewDocument` (Atlas's name for the driver's `returnDocument: 'after'`).
   */
  private findAndModify(
    scope: Scope,
    filter: Filter,
    options: FindOneAndModifyOptions,
    change: (row: StoredRow | null, query: DocumentFilter) => Doc,
  ): Doc | null {
    return this.db
      .transaction(() => {
        const query = new DocumentFilter(filter);
        const [row] = query.order(this.matching(scope, query), options.sort, 0, 1);
        let after: Doc;
        if (row) {
          after = change(row, query);
          this.rewrite(row, after);
        } else if (options.upsert) {
          after = change(null, query);
          this.insert(scope, after);
        } else {
          return null;
        }
        if (!options.returnNewDocument) return row ? query.project(row, options.projection) : null;
        // As it now reads back from the store, projected; the filter may no longer match it.
        const text = toStoredText(after);
        return query.project(new StoredRow(0, '', text, parseStored(text)), options.projection, false);
      })
      .immediate();
  }

  private bulkOp(scope: Scope, op: BulkWriteOp): void {
    if (!isPlainObject(op)) throw invalidOperation('each bulkWrite operation must be a document');
    if ('insertOne' in op) this.insert(scope, withId(op.insertOne.document));
    else if ('updateOne' in op)
      this.update(scope, op.updateOne.filter, op.updateOne.update, op.updateOne.upsert ?? false, false);
    else if ('updateMany' in op)
      this.update(scope, op.updateMany.filter, op.updateMany.update, op.updateMany.upsert ?? false, true);
    else if ('replaceOne' in op)
      this.replace(scope, op.replaceOne.filter, op.replaceOne.replacement, op.replaceOne.upsert ?? false);
    else if ('deleteOne' in op) this.delete(scope, op.deleteOne.filter, false);
    else if ('deleteMany' in op) this.delete(scope, op.deleteMany.filter, true);
    else throw invalidOperation(`unknown bulkWrite operation '${Object.keys(op)[0] ?? ''}'`);
  }

  /**
   * Runs several writes in one transaction with MongoDB's batch semantics: ordered stops at the first
   * failure, unordered carries on; either way the writes that succeeded are kept and the first error
   * is reported after commit.
   */
  private writeBatch(writes: (() => unknown)[], ordered: boolean): WriteOutcome {
    return this.db
      .transaction((): WriteOutcome => {
        let error: Error | undefined;
        for (const write of writes) {
          try {
            this.db.transaction(write)();
          } catch (err) {
            error ??= err instanceof Error ? err : new Error(String(err));
            if (ordered) break;
          }
        }
        return { error };
      })
      .immediate();
  }
}

const coll3 = (scope: Scope, coll: string): Scope => [scope[0], scope[1], coll];

function assertCollection(coll: string): string {
  assertNamespace({ db: 'x', collection: coll });
  return coll;
}

/** The document an update upsert inserts: the filter's equality fields, then the update. */
function upsertDoc(filter: Filter, update: Update): Doc {
  return ensureIdFirst(applyUpdate(upsertSeed(filter), {}, update, true));
}

/** The replacement of `row`: keeps its `_id` (a different `_id` in the replacement is an error). */
function replaced(row: StoredRow, replacement: Doc): Doc {
  const { _id, ...rest } = replacement;
  if (_id !== undefined && idKey(_id) !== row.idKey) {
    throw invalidOperation("the replacement would modify the immutable field '_id'");
  }
  return { _id: row.doc._id, ...rest };
}

/** The document a replacement upsert inserts: its `_id` from the replacement, else from the filter. */
function replacementUpsert(filter: Filter, replacement: Doc): Doc {
  const seedId = upsertSeed(filter)._id;
  return ensureIdFirst(
    replacement._id === undefined && seedId !== undefined ? { _id: seedId, ...replacement } : replacement,
  );
}
