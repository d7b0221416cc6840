import type { Collection, Db } from 'mongodb';
import type { AppId, SessionRecord, UserApiKeyRecord, UserRecord } from '@portico/contracts';
import type { UserPatch, UserRepository } from '../store.port';
import { apiKeyTaken, identityKey, identityTaken } from '../shared/users';
import { isDuplicateKey } from './mongodb-errors';

/**
 * A user as stored. The record is JSON text (its `data` holds metadata field names a tenant chose,
 * which may contain `.` or start with `$`); the fields queries use sit beside it. `identity_keys` is
 * covered by a unique multikey index, so an identity belongs to one user of an app even when two
 * first logins race.
 */
interface UserDoc {
  _id: string;
  appId: string;
  identity_keys: string[];
  created_at: string;
  doc: string;
}
interface ApiKeyDoc {
  _id: string;
  appId: string;
  userId: string;
  hash: string;
  created_at: string;
  disabled: boolean;
  /** The record as JSON text; `disabled` above is the live value (it alone is updated). */
  doc: string;
}
interface SessionDoc {
  _id: string;
  appId: string;
  userId: string;
  doc: string;
}

/** Indexes of the users and sessions collections (idempotent). */
export async function ensureUserIndexes(db: Db): Promise<void> {
  await Promise.all([
    db.collection('users').createIndex(
      { appId: 1, identity_keys: 1 },
      {
        unique: true,
        name: 'app_identity',
        // A user always has an identity; the filter keeps a stray empty array from colliding with another.
        partialFilterExpression: { 'identity_keys.0': { $exists: true } },
      },
    ),
    db.collection('users').createIndex({ appId: 1, created_at: 1, _id: 1 }, { name: 'app_created' }),
    db.collection('user_sessions').createIndex({ appId: 1, userId: 1 }, { name: 'app_user' }),
    db.collection('user_api_keys').createIndex({ appId: 1, hash: 1 }, { unique: true, name: 'app_hash' }),
    db.collection('user_api_keys').createIndex({ appId: 1, userId: 1, created_at: 1 }, { name: 'app_user' }),
  ]);
}

const toUser = (doc: UserDoc | null): UserRecord | null => (doc ? (JSON.parse(doc.doc) as UserRecord) : null);

/** Users and sessions in the metadata database; `_id` is `<appId>/<id>` so one app never reaches another's. */
export class MongoUserRepository implements UserRepository {
  private readonly users: Collection<UserDoc>;
  private readonly sessions: Collection<SessionDoc>;
  private readonly apiKeys: Collection<ApiKeyDoc>;

  constructor(db: Db) {
    this.apiKeys = db.collection<ApiKeyDoc>('user_api_keys');
    this.users = db.collection<UserDoc>('users');
    this.sessions = db.collection<SessionDoc>('user_sessions');
  }

  async createUser(appId: AppId, user: UserRecord): Promise<UserRecord> {
    const record: UserRecord = { ...structuredClone(user), appId };
    try {
      await this.users.insertOne({
        _id: `${appId}/${record.id}`,
        appId,
        identity_keys: record.identities.map(identityKey),
        created_at: record.created_at,
        doc: JSON.stringify(record),
      });
    } catch (err) {
      if (isDuplicateKey(err)) throw identityTaken();
      throw err;
    }
    return record;
  }

  async findUserById(appId: AppId, userId: string): Promise<UserRecord | null> {
    return toUser(await this.users.findOne({ _id: `${appId}/${userId}`, appId }));
  }

  async findUserByIdentity(
    appId: AppId,
    providerType: string,
    externalId: string,
  ): Promise<UserRecord | null> {
    const key = identityKey({ provider_type: providerType, id: externalId });
    return toUser(await this.users.findOne({ appId, identity_keys: key }));
  }

  async listUsers(appId: AppId, options: { limit?: number } = {}): Promise<UserRecord[]> {
    const docs = await this.users
      .find({ appId })
      .sort({ created_at: 1, _id: 1 })
      .limit(Math.floor(options.limit ?? 10_000))
      .toArray();
    return docs.map((d) => JSON.parse(d.doc) as UserRecord);
  }

  async updateUser(appId: AppId, userId: string, patch: UserPatch): Promise<UserRecord | null> {
    // Read-modify-write on the one document, retried if another writer changed it in between.
    for (;;) {
      const current = await this.users.findOne({ _id: `${appId}/${userId}`, appId });
      if (!current) return null;
      const next: UserRecord = { ...(JSON.parse(current.doc) as UserRecord), ...structuredClone(patch) };
      const { matchedCount } = await this.users.updateOne(
        { _id: current._id, doc: current.doc },
        { $set: { doc: JSON.stringify(next) } },
      );
      if (matchedCount === 1) return next;
    }
  }

  async deleteUser(appId: AppId, userId: string): Promise<boolean> {
    const { deletedCount } = await this.users.deleteOne({ _id: `${appId}/${userId}`, appId });
    await Promise.all([
      this.sessions.deleteMany({ appId, userId }),
      this.apiKeys.deleteMany({ appId, userId }),
    ]);
    return deletedCount > 0;
  }

  async createSession(appId: AppId, session: SessionRecord): Promise<void> {
    await this.sessions.insertOne({
      _id: `${appId}/${session.id}`,
      appId,
      userId: session.userId,
      doc: JSON.stringify({ ...session, appId }),
    });
  }

  async getSession(appId: AppId, sessionId: string): Promise<SessionRecord | null> {
    const doc = await this.sessions.findOne({ _id: `${appId}/${sessionId}`, appId });
    return doc ? (JSON.parse(doc.doc) as SessionRecord) : null;
  }

  async deleteSession(appId: AppId, sessionId: string): Promise<boolean> {
    const { deletedCount } = await this.sessions.deleteOne({ _id: `${appId}/${sessionId}`, appId });
    return deletedCount > 0;
  }

  async deleteSessions(appId: AppId, userId: string): Promise<number> {
    const { deletedCount } = await this.sessions.deleteMany({ appId, userId });
    return deletedCount;
  }

  async createApiKey(appId: AppId, key: UserApiKeyRecord): Promise<void> {
    try {
      await this.apiKeys.insertOne({
        _id: `${appId}/${key.id}`,
        appId,
        userId: key.userId,
        hash: key.hash,
        created_at: key.created_at,
        disabled: key.disabled,
        doc: JSON.stringify({ ...key, appId }),
      });
    } catch (err) {
      if (isDuplicateKey(err)) throw apiKeyTaken();
      throw err;
    }
  }

  async findApiKeyByHash(appId: AppId, hash: string): Promise<UserApiKeyRecord | null> {
    const doc = await this.apiKeys.findOne({ appId, hash });
    return doc ? { ...(JSON.parse(doc.doc) as UserApiKeyRecord), disabled: doc.disabled } : null;
  }

  async listApiKeys(appId: AppId, userId: string): Promise<UserApiKeyRecord[]> {
    const docs = await this.apiKeys.find({ appId, userId }).sort({ created_at: 1, _id: 1 }).toArray();
    return docs.map((d) => ({ ...(JSON.parse(d.doc) as UserApiKeyRecord), disabled: d.disabled }));
  }

  async setApiKeyDisabled(appId: AppId, userId: string, keyId: string, disabled: boolean): Promise<boolean> {
    const { matchedCount } = await this.apiKeys.updateOne(
      { _id: `${appId}/${keyId}`, appId, userId },
      { $set: { disabled } },
    );
    return matchedCount > 0;
  }

  async deleteApiKey(appId: AppId, userId: string, keyId: string): Promise<boolean> {
    const { deletedCount } = await this.apiKeys.deleteOne({ _id: `${appId}/${keyId}`, appId, userId });
    return deletedCount > 0;
  }

  async dropApp(appId: AppId): Promise<void> {
    await Promise.all([
      this.users.deleteMany({ appId }),
      this.sessions.deleteMany({ appId }),
      this.apiKeys.deleteMany({ appId }),
    ]);
  }
}
