import type { AnyBulkWriteOperation, Collection, Db, Document, MongoClient } from 'mongodb';
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
import { assertReplacement, assertUpdate, withId } from '../shared/documents';
import { assertNamespace } from '../shared/namespace';
import { assertPipelineAllowed } from '../shared/pipeline-guard';
import { invalidOperation } from '../shared/store-errors';
import { EXACT_BSON_READ } from '../shared/exact-bson';
import { tenantCall } from './mongodb-errors';
import { tenantDbName } from './tenant-db-name';

type Sort = Record<string, 1 | -1>;

/** Which tenant database belongs to which app (names with a hash cannot be read back). */
export interface TenantDatabaseDoc {
  _id: string;
  appId: string;
  db: string;
}

const toUpdateResult = (r: {
  matchedCount: number;
  modifiedCount: number;
  upsertedId: unknown;
}): UpdateResult =>
  r.upsertedId === null || r.upsertedId === undefined
    ? { matchedCount: r.matchedCount, modifiedCount: r.modifiedCount }
    : { matchedCount: r.matchedCount, modifiedCount: r.modifiedCount, upsertedId: r.upsertedId };

/**
 * Tenant documents in MongoDB, each app's databases under names of their own (see tenant-db-name.ts).
 * Documents are read without value promotion, exactly as the embedded adapter returns them (Int32,
 * Double, Long… as classes), so a round trip keeps every BSON type on both adapters.
 */
export class MongoTenantDataRepository implements TenantDataRepository {
  /** Tenant databases this process has already recorded in `tenant_databases`. */
  private readonly recorded = new Set<string>();

  constructor(
    private readonly client: MongoClient,
    private readonly registry: Collection<TenantDatabaseDoc>,
  ) {}

  find(appId: AppId, ns: Namespace, filter: Filter, options: FindOptions = {}): Promise<Doc[]> {
    return tenantCall(() =>
      this.collection(appId, ns)
        .find(filter, {
          projection: options.projection,
          sort: options.sort,
          skip: options.skip,
          limit: options.limit,
        })
        .toArray(),
    );
  }

  findOne(
    appId: AppId,
    ns: Namespace,
    filter: Filter,
    options: Omit<FindOptions, 'limit'> = {},
  ): Promise<Doc | null> {
    return tenantCall(() =>
      this.collection(appId, ns).findOne(filter, {
        projection: options.projection,
        sort: options.sort,
        skip: options.skip,
      }),
    );
  }

  insertOne(appId: AppId, ns: Namespace, doc: Doc): Promise<{ insertedId: unknown }> {
    return tenantCall(async () => {
      const coll = await this.writable(appId, ns, true);
      const { insertedId } = await coll.insertOne(withId(doc));
      return { insertedId };
    });
  }

  insertMany(
    appId: AppId,
    ns: Namespace,
    docs: Doc[],
    options: { ordered?: boolean } = {},
  ): Promise<{ insertedIds: unknown[] }> {
    return tenantCall(async () => {
      if (!Array.isArray(docs) || docs.length === 0)
        throw invalidOperation('insertMany needs a non-empty array of documents');
      const prepared = docs.map(withId);
      const coll = await this.writable(appId, ns, true);
      await coll.insertMany(prepared, { ordered: options.ordered ?? true });
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
    return tenantCall(async () => {
      assertUpdate(update);
      const coll = await this.writable(appId, ns, options.upsert ?? false);
      return toUpdateResult(await coll.updateOne(filter, update, { upsert: options.upsert ?? false }));
    });
  }

  updateMany(
    appId: AppId,
    ns: Namespace,
    filter: Filter,
    update: Update,
    options: { upsert?: boolean } = {},
  ): Promise<UpdateResult> {
    return tenantCall(async () => {
      assertUpdate(update);
      const coll = await this.writable(appId, ns, options.upsert ?? false);
      return toUpdateResult(await coll.updateMany(filter, update, { upsert: options.upsert ?? false }));
    });
  }

  replaceOne(
    appId: AppId,
    ns: Namespace,
    filter: Filter,
    replacement: Doc,
    options: { upsert?: boolean } = {},
  ): Promise<UpdateResult> {
    return tenantCall(async () => {
      assertReplacement(replacement);
      const coll = await this.writable(appId, ns, options.upsert ?? false);
      return toUpdateResult(await coll.replaceOne(filter, replacement, { upsert: options.upsert ?? false }));
    });
  }

  deleteOne(appId: AppId, ns: Namespace, filter: Filter): Promise<{ deletedCount: number }> {
    return tenantCall(async () => ({
      deletedCount: (await this.collection(appId, ns).deleteOne(filter)).deletedCount,
    }));
  }

  deleteMany(appId: AppId, ns: Namespace, filter: Filter): Promise<{ deletedCount: number }> {
    return tenantCall(async () => ({
      deletedCount: (await this.collection(appId, ns).deleteMany(filter)).deletedCount,
    }));
  }

  findOneAndUpdate(
    appId: AppId,
    ns: Namespace,
    filter: Filter,
    update: Update,
    options: FindOneAndModifyOptions = {},
  ): Promise<Doc | null> {
    return tenantCall(async () => {
      assertUpdate(update);
      const coll = await this.writable(appId, ns, options.upsert ?? false);
      return coll.findOneAndUpdate(filter, update, {
        upsert: options.upsert ?? false,
        sort: options.sort,
        projection: options.projection,
        // Atlas's `returnNewDocument` is the driver's `returnDocument` (reference §2.8).
        returnDocument: options.returnNewDocument ? 'after' : 'before',
        includeResultMetadata: false,
      });
    });
  }

  findOneAndReplace(
    appId: AppId,
    ns: Namespace,
    filter: Filter,
    replacement: Doc,
    options: FindOneAndModifyOptions = {},
  ): Promise<Doc | null> {
    return tenantCall(async () => {
      assertReplacement(replacement);
      const coll = await this.writable(appId, ns, options.upsert ?? false);
      return coll.findOneAndReplace(filter, replacement, {
        upsert: options.upsert ?? false,
        sort: options.sort,
        projection: options.projection,
        returnDocument: options.returnNewDocument ? 'after' : 'before',
        includeResultMetadata: false,
      });
    });
  }

  findOneAndDelete(
    appId: AppId,
    ns: Namespace,
    filter: Filter,
    options: { sort?: Sort; projection?: Doc } = {},
  ): Promise<Doc | null> {
    return tenantCall(() =>
      this.collection(appId, ns).findOneAndDelete(filter, {
        sort: options.sort,
        projection: options.projection,
        includeResultMetadata: false,
      }),
    );
  }

  aggregate(appId: AppId, ns: Namespace, pipeline: Doc[]): Promise<Doc[]> {
    return tenantCall(() => {
      assertPipelineAllowed(pipeline);
      return this.collection(appId, ns).aggregate<Doc>(pipeline).toArray();
    });
  }

  count(
    appId: AppId,
    ns: Namespace,
    filter: Filter,
    options: { skip?: number; limit?: number } = {},
  ): Promise<number> {
    return tenantCall(() =>
      this.collection(appId, ns).countDocuments(filter, {
        ...(options.skip ? { skip: options.skip } : {}),
        ...(options.limit ? { limit: Math.abs(options.limit) } : {}),
      }),
    );
  }

  distinct(appId: AppId, ns: Namespace, field: string, filter: Filter): Promise<unknown[]> {
    return tenantCall(() => {
      if (typeof field !== 'string' || field === '') throw invalidOperation('distinct needs a field name');
      return this.collection(appId, ns).distinct(field, filter);
    });
  }

  bulkWrite(
    appId: AppId,
    ns: Namespace,
    ops: BulkWriteOp[],
    options: { ordered?: boolean } = {},
  ): Promise<null> {
    return tenantCall(async () => {
      if (!Array.isArray(ops) || ops.length === 0)
        throw invalidOperation('bulkWrite needs a non-empty array of operations');
      const coll = await this.writable(appId, ns, true);
      await coll.bulkWrite(ops.map(toDriverOp), { ordered: options.ordered ?? true });
      return null;
    });
  }

  async listDatabases(appId: AppId): Promise<string[]> {
    const docs = await this.registry.find({ appId }).toArray();
    return docs.map((d) => d.db).sort();
  }

  async listCollections(appId: AppId, db: string): Promise<string[]> {
    assertNamespace({ db, collection: 'x' });
    const infos = await this.database(appId, db).listCollections({}, { nameOnly: true }).toArray();
    return infos
      .map((i) => i.name)
      .filter((n) => !n.startsWith('system.'))
      .sort();
  }

  async dropApp(appId: AppId): Promise<void> {
    const docs = await this.registry.find({ appId }).toArray();
    for (const { _id } of docs) {
      await this.client.db(_id).dropDatabase();
      this.recorded.delete(_id);
    }
    await this.registry.deleteMany({ appId });
  }

  private database(appId: AppId, db: string): Db {
    return this.client.db(tenantDbName(appId, db), EXACT_BSON_READ);
  }

  private collection(appId: AppId, ns: Namespace): Collection<Document> {
    assertNamespace(ns);
    return this.database(appId, ns.db).collection(ns.collection);
  }

  /**
   * The collection for a write. When the write may create the database (`creates`: inserts, upserts),
   * the database is first recorded for the app, so `listDatabases` and `dropApp` find it.
   */
  private async writable(appId: AppId, ns: Namespace, creates: boolean): Promise<Collection<Document>> {
    const coll = this.collection(appId, ns);
    const name = coll.dbName;
    if (creates && !this.recorded.has(name)) {
      await this.registry.updateOne({ _id: name }, { $setOnInsert: { appId, db: ns.db } }, { upsert: true });
      this.recorded.add(name);
    }
    return coll;
  }
}

/** The port's bulk operation as the driver spells it (the same shape; inserts get their `_id` first). */
function toDriverOp(op: BulkWriteOp): AnyBulkWriteOperation<Document> {
  if ('insertOne' in op) return { insertOne: { document: withId(op.insertOne.document) } };
  if ('updateOne' in op) assertUpdate(op.updateOne.update);
  if ('updateMany' in op) assertUpdate(op.updateMany.update);
  if ('replaceOne' in op) assertReplacement(op.replaceOne.replacement);
  return op;
}
