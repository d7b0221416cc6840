import type {
  AppId,
  AppRecord,
  Deployment,
  DeploymentSpec,
  InvocationLogEntry,
  SessionRecord,
  UserApiKeyRecord,
  UserRecord,
} from '@portico/contracts';

/**
 * Platform metadata: apps, their immutable deployments and their invocation logs.
 * Every method that touches one app takes its `AppId` (CONVENTIONS 6).
 */
export interface MetadataRepository {
  /** Creates the app and its version 1 atomically. Throws PorticoError Conflict when the id exists. */
  createApp(app: { id: AppId; name: string; created_at: string }, spec: DeploymentSpec): Promise<AppRecord>;
  listApps(): Promise<AppRecord[]>;
  getApp(appId: AppId): Promise<AppRecord | null>;
  /** Deletes the app, its deployments and its logs. Returns false when it did not exist. */
  deleteApp(appId: AppId): Promise<boolean>;
  getDeployment(appId: AppId, version: number): Promise<Deployment | null>;
  /**
   * Writes `spec` as version `expectedVersion + 1` and makes it current, atomically, only if the app's
   * current version is still `expectedVersion` (optimistic concurrency). Throws PorticoError Conflict
   * when another change won, NotFound when the app is gone. Older versions beyond the retention
   * (the last 20) may be pruned.
   */
  commitDeployment(appId: AppId, expectedVersion: number, spec: DeploymentSpec): Promise<Deployment>;
  appendLog(appId: AppId, entry: InvocationLogEntry): Promise<void>;
  /** Appends many entries (of any apps) in one write: the worker batches its log this way. */
  appendLogs(batch: { appId: AppId; entry: InvocationLogEntry }[]): Promise<void>;
  /** Newest first. */
  listLogs(appId: AppId, limit: number): Promise<InvocationLogEntry[]>;
}

/** A document as the tenant sees it: BSON-typed values (ObjectId, Date, Decimal128, Long, Binary…). */
export type Doc = Record<string, unknown>;
export type Filter = Record<string, unknown>;
export type Update = Record<string, unknown> | Record<string, unknown>[];

/** Database and collection names as the tenant wrote them; adapters map them to physical names. */
export interface Namespace {
  db: string;
  collection: string;
}

export interface FindOptions {
  projection?: Doc;
  sort?: Record<string, 1 | -1>;
  skip?: number;
  limit?: number;
}

export interface UpdateResult {
  matchedCount: number;
  modifiedCount: number;
  upsertedId?: unknown;
}

export type BulkWriteOp =
  | { insertOne: { document: Doc } }
  | { updateOne: { filter: Filter; update: Update; upsert?: boolean } }
  | { updateMany: { filter: Filter; update: Update; upsert?: boolean } }
  | { replaceOne: { filter: Filter; replacement: Doc; upsert?: boolean } }
  | { deleteOne: { filter: Filter } }
  | { deleteMany: { filter: Filter } };

/**
 * A tenant's data, with MongoDB semantics (the embedded adapter takes them from mingo). Each app sees
 * only its own databases: the adapter keys every physical name by the app id.
 */
/** Options of `findOneAndUpdate` / `findOneAndReplace`, with App Services' names (`returnNewDocument`). */
export interface FindOneAndModifyOptions {
  upsert?: boolean;
  sort?: Record<string, 1 | -1>;
  projection?: Doc;
  returnNewDocument?: boolean;
}

export interface TenantDataRepository {
  find(appId: AppId, ns: Namespace, filter: Filter, options?: FindOptions): Promise<Doc[]>;
  findOne(
    appId: AppId,
    ns: Namespace,
    filter: Filter,
    options?: Omit<FindOptions, 'limit'>,
  ): Promise<Doc | null>;
  insertOne(appId: AppId, ns: Namespace, doc: Doc): Promise<{ insertedId: unknown }>;
  insertMany(
    appId: AppId,
    ns: Namespace,
    docs: Doc[],
    options?: { ordered?: boolean },
  ): Promise<{ insertedIds: unknown[] }>;
  updateOne(
    appId: AppId,
    ns: Namespace,
    filter: Filter,
    update: Update,
    options?: { upsert?: boolean },
  ): Promise<UpdateResult>;
  updateMany(
    appId: AppId,
    ns: Namespace,
    filter: Filter,
    update: Update,
    options?: { upsert?: boolean },
  ): Promise<UpdateResult>;
  replaceOne(
    appId: AppId,
    ns: Namespace,
    filter: Filter,
    replacement: Doc,
    options?: { upsert?: boolean },
  ): Promise<UpdateResult>;
  deleteOne(appId: AppId, ns: Namespace, filter: Filter): Promise<{ deletedCount: number }>;
  deleteMany(appId: AppId, ns: Namespace, filter: Filter): Promise<{ deletedCount: number }>;
  /** Atlas option names: `returnNewDocument` (not the driver's `returnDocument`), `upsert`, `sort`, `projection`. */
  findOneAndUpdate(
    appId: AppId,
    ns: Namespace,
    filter: Filter,
    update: Update,
    options?: FindOneAndModifyOptions,
  ): Promise<Doc | null>;
  findOneAndReplace(
    appId: AppId,
    ns: Namespace,
    filter: Filter,
    replacement: Doc,
    options?: FindOneAndModifyOptions,
  ): Promise<Doc | null>;
  findOneAndDelete(
    appId: AppId,
    ns: Namespace,
    filter: Filter,
    options?: { sort?: Record<string, 1 | -1>; projection?: Doc },
  ): Promise<Doc | null>;
  aggregate(appId: AppId, ns: Namespace, pipeline: Doc[]): Promise<Doc[]>;
  count(
    appId: AppId,
    ns: Namespace,
    filter: Filter,
    options?: { skip?: number; limit?: number },
  ): Promise<number>;
  distinct(appId: AppId, ns: Namespace, field: string, filter: Filter): Promise<unknown[]>;
  bulkWrite(appId: AppId, ns: Namespace, ops: BulkWriteOp[], options?: { ordered?: boolean }): Promise<null>;
  /** Database names of the app. */
  listDatabases(appId: AppId): Promise<string[]>;
  listCollections(appId: AppId, db: string): Promise<string[]>;
  /** Removes all of an app's data (on app deletion). */
  dropApp(appId: AppId): Promise<void>;
}

/** What `updateUser` may change; identities never change once created. */
export type UserPatch = Partial<Pick<UserRecord, 'disabled' | 'password_hash' | 'confirmed' | 'data'>>;

/**
 * An app's users and their sessions (platform metadata, reference §2.6, §3.2). An identity
 * `(provider_type, id)` belongs to at most one user of an app: `createUser` throws PorticoError
 * Conflict when one of its identities is taken (two concurrent first logins create one user).
 */
export interface UserRepository {
  createUser(appId: AppId, user: UserRecord): Promise<UserRecord>;
  findUserById(appId: AppId, userId: string): Promise<UserRecord | null>;
  findUserByIdentity(appId: AppId, providerType: string, externalId: string): Promise<UserRecord | null>;
  /** Oldest first. */
  listUsers(appId: AppId, options?: { limit?: number }): Promise<UserRecord[]>;
  /** The updated user, or null when it does not exist. */
  updateUser(appId: AppId, userId: string, patch: UserPatch): Promise<UserRecord | null>;
  /** Deletes the user, its sessions and API keys; false when it did not exist. */
  deleteUser(appId: AppId, userId: string): Promise<boolean>;
  createSession(appId: AppId, session: SessionRecord): Promise<void>;
  getSession(appId: AppId, sessionId: string): Promise<SessionRecord | null>;
  deleteSession(appId: AppId, sessionId: string): Promise<boolean>;
  /** Revokes every session of the user; returns how many there were. */
  deleteSessions(appId: AppId, userId: string): Promise<number>;
  /** Stores a user API key; PorticoError Conflict when its hash exists in the app. */
  createApiKey(appId: AppId, key: UserApiKeyRecord): Promise<void>;
  findApiKeyByHash(appId: AppId, hash: string): Promise<UserApiKeyRecord | null>;
  /** The user's keys, oldest first. */
  listApiKeys(appId: AppId, userId: string): Promise<UserApiKeyRecord[]>;
  /** False when the user has no such key. */
  setApiKeyDisabled(appId: AppId, userId: string, keyId: string, disabled: boolean): Promise<boolean>;
  deleteApiKey(appId: AppId, userId: string, keyId: string): Promise<boolean>;
  /** Removes every user, session and user API key of the app (on app deletion). */
  dropApp(appId: AppId): Promise<void>;
}

/** The store as a whole: one object per process, opened from config, closed on shutdown. */
export interface Store {
  readonly kind: 'embedded' | 'mongodb';
  readonly metadata: MetadataRepository;
  readonly users: UserRepository;
  readonly data: TenantDataRepository;
  close(): Promise<void>;
}
export const STORE = Symbol('Store');
