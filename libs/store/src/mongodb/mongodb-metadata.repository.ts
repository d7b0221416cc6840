import type { Collection, Db, ObjectId } from 'mongodb';
import type { AppId, AppRecord, Deployment, DeploymentSpec, InvocationLogEntry } from '@portico/contracts';
import type { MetadataRepository } from '../store.port';
import { DEPLOYMENT_RETENTION } from '../store.constants';
import { appConflict, appNotFound, versionConflict } from '../shared/store-errors';
import { isDuplicateKey } from './mongodb-errors';

interface AppDoc {
  _id: string;
  name: string;
  created_at: string;
  version: number;
}
/**
 * The spec is stored as JSON text: tenant-chosen names (functions with `/` or `.`, values, secrets)
 * become object keys in it, and MongoDB restricts `.`/`$` in field names.
 */
interface DeploymentDoc {
  _id?: ObjectId;
  appId: string;
  version: number;
  created_at: string;
  spec: string;
}
interface LogDoc {
  _id?: ObjectId;
  appId: string;
  entry: InvocationLogEntry;
}

/**
 * A deployment version written but never made current (its writer died between the two steps) is
 * taken over by the next commit once it is this old; a live writer finishes in milliseconds.
 */
const ORPHAN_AFTER_MS = 60_000;

/** The document without the `_id` a failed insert left on it (a replacement must not change `_id`). */
const withoutId = ({ _id: _drop, ...rest }: DeploymentDoc): DeploymentDoc => rest;

const toRecord = (doc: AppDoc): AppRecord => ({
  id: doc._id,
  name: doc.name,
  created_at: doc.created_at,
  version: doc.version,
});
const toDeployment = (doc: DeploymentDoc): Deployment => ({
  appId: doc.appId,
  version: doc.version,
  created_at: doc.created_at,
  spec: JSON.parse(doc.spec) as DeploymentSpec,
});

/** Collections and indexes of the metadata database. */
export async function ensureMetadataIndexes(db: Db): Promise<void> {
  await Promise.all([
    db.collection('deployments').createIndex({ appId: 1, version: 1 }, { unique: true, name: 'app_version' }),
    db.collection('invocation_logs').createIndex({ appId: 1, _id: -1 }, { name: 'app_newest' }),
    db.collection('tenant_databases').createIndex({ appId: 1 }, { name: 'app' }),
  ]);
}

/**
 * Apps, deployments and invocation logs in the metadata database. No multi-document transaction is
 * needed (so no replica set): a deployment is inserted under the unique (appId, version) index, and
 * only then is the app's version pointer advanced, conditionally on the version the caller expected.
 */
export class MongoMetadataRepository implements MetadataRepository {
  private readonly apps: Collection<AppDoc>;
  private readonly deployments: Collection<DeploymentDoc>;
  private readonly logs: Collection<LogDoc>;

  constructor(
    db: Db,
    private readonly logRetention: number,
  ) {
    this.apps = db.collection<AppDoc>('apps');
    this.deployments = db.collection<DeploymentDoc>('deployments');
    this.logs = db.collection<LogDoc>('invocation_logs');
  }

  async createApp(
    app: { id: AppId; name: string; created_at: string },
    spec: DeploymentSpec,
  ): Promise<AppRecord> {
    const first: DeploymentDoc = {
      appId: app.id,
      version: 1,
      created_at: app.created_at,
      spec: JSON.stringify(spec),
    };
    // Version 1 first, then the app: readers never see an app without its deployment.
    try {
      await this.deployments.insertOne(first);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      if (await this.apps.findOne({ _id: app.id })) throw appConflict(app.id);
      // Left by a create that died before inserting the app: take it over.
      await this.deployments.replaceOne({ appId: app.id, version: 1 }, withoutId(first));
    }
    try {
      await this.apps.insertOne({ _id: app.id, name: app.name, created_at: app.created_at, version: 1 });
    } catch (err) {
      if (isDuplicateKey(err)) throw appConflict(app.id);
      throw err;
    }
    return { id: app.id, name: app.name, created_at: app.created_at, version: 1 };
  }

  async listApps(): Promise<AppRecord[]> {
    return (await this.apps.find({}).sort({ created_at: 1, _id: 1 }).toArray()).map(toRecord);
  }

  async getApp(appId: AppId): Promise<AppRecord | null> {
    const doc = await this.apps.findOne({ _id: appId });
    return doc ? toRecord(doc) : null;
  }

  async deleteApp(appId: AppId): Promise<boolean> {
    // The app first: once it is gone nothing serves or commits to it, then its history goes.
    const { deletedCount } = await this.apps.deleteOne({ _id: appId });
    await Promise.all([this.deployments.deleteMany({ appId }), this.logs.deleteMany({ appId })]);
    return deletedCount > 0;
  }

  async getDeployment(appId: AppId, version: number): Promise<Deployment | null> {
    const doc = await this.deployments.findOne({ appId, version });
    return doc ? toDeployment(doc) : null;
  }

  async commitDeployment(appId: AppId, expectedVersion: number, spec: DeploymentSpec): Promise<Deployment> {
    const app = await this.apps.findOne({ _id: appId });
    if (!app) throw appNotFound(appId);
    if (app.version !== expectedVersion) throw versionConflict(appId, expectedVersion);
    const version = expectedVersion + 1;
    const doc: DeploymentDoc = {
      appId,
      version,
      created_at: new Date().toISOString(),
      spec: JSON.stringify(spec),
    };
    try {
      await this.deployments.insertOne(doc);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Another writer holds this version; unless it is an old orphan, that writer won.
      const orphanBefore = new Date(Date.now() - ORPHAN_AFTER_MS).toISOString();
      const { matchedCount } = await this.deployments.replaceOne(
        { appId, version, created_at: { $lt: orphanBefore } },
        withoutId(doc),
      );
      if (matchedCount === 0) throw versionConflict(appId, expectedVersion);
    }
    const { matchedCount } = await this.apps.updateOne(
      { _id: appId, version: expectedVersion },
      { $set: { version } },
    );
    if (matchedCount === 0) {
      await this.deployments.deleteOne({ appId, version, created_at: doc.created_at });
      if (!(await this.apps.findOne({ _id: appId }))) throw appNotFound(appId);
      throw versionConflict(appId, expectedVersion);
    }
    await this.deployments.deleteMany({ appId, version: { $lte: version - DEPLOYMENT_RETENTION } });
    return toDeployment(doc);
  }

  async appendLog(appId: AppId, entry: InvocationLogEntry): Promise<void> {
    await this.appendLogs([{ appId, entry }]);
  }

  async appendLogs(batch: { appId: AppId; entry: InvocationLogEntry }[]): Promise<void> {
    if (batch.length === 0) return;
    await this.logs.insertMany(
      batch.map(({ appId, entry }) => ({ appId, entry })),
      { ordered: true },
    );
    for (const appId of new Set(batch.map((b) => b.appId))) {
      // The oldest entry to keep; everything older goes. ObjectIds grow with time, so `_id` orders them.
      const [oldestKept] = await this.logs
        .find({ appId }, { projection: { _id: 1 } })
        .sort({ _id: -1 })
        .skip(this.logRetention - 1)
        .limit(1)
        .toArray();
      if (oldestKept?._id) await this.logs.deleteMany({ appId, _id: { $lt: oldestKept._id } });
    }
  }

  async listLogs(appId: AppId, limit: number): Promise<InvocationLogEntry[]> {
    if (limit <= 0) return [];
    const docs = await this.logs.find({ appId }).sort({ _id: -1 }).limit(Math.floor(limit)).toArray();
    return docs.map((d) => d.entry);
  }
}
