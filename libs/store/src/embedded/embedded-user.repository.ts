import type Database from 'better-sqlite3';
import type { AppId, SessionRecord, UserApiKeyRecord, UserRecord } from '@portico/contracts';
import type { UserPatch, UserRepository } from '../store.port';
import { settle } from '../shared/settle';
import { apiKeyTaken, identityTaken } from '../shared/users';

const parseUser = (row: { doc: string } | undefined): UserRecord | null =>
  row ? (JSON.parse(row.doc) as UserRecord) : null;

/**
 * Users, their identities and sessions in SQLite. Identities have a table of their own whose primary
 * key is (app, provider, external id): a lookup by identity is one index search, and a second user
 * with a taken identity fails inside the same transaction that would have created it.
 */
export class EmbeddedUserRepository implements UserRepository {
  private readonly stmt;

  constructor(private readonly db: Database.Database) {
    this.stmt = {
      insertUser: db.prepare<[string, string, string]>(
        'INSERT INTO users (app_id, id, doc) VALUES (?, ?, ?)',
      ),
      getUser: db.prepare<[string, string], { doc: string }>(
        'SELECT doc FROM users WHERE app_id = ? AND id = ?',
      ),
      setUser: db.prepare<[string, string, string]>('UPDATE users SET doc = ? WHERE app_id = ? AND id = ?'),
      listUsers: db.prepare<[string, number], { doc: string }>(
        'SELECT doc FROM users WHERE app_id = ? ORDER BY seq LIMIT ?',
      ),
      deleteUser: db.prepare<[string, string]>('DELETE FROM users WHERE app_id = ? AND id = ?'),
      insertIdentity: db.prepare<[string, string, string, string]>(
        'INSERT OR IGNORE INTO user_identities (app_id, provider_type, external_id, user_id) VALUES (?, ?, ?, ?)',
      ),
      userByIdentity: db.prepare<[string, string, string], { doc: string }>(
        `SELECT u.doc FROM user_identities i JOIN users u ON u.app_id = i.app_id AND u.id = i.user_id
         WHERE i.app_id = ? AND i.provider_type = ? AND i.external_id = ?`,
      ),
      deleteIdentities: db.prepare<[string, string]>(
        'DELETE FROM user_identities WHERE app_id = ? AND user_id = ?',
      ),
      insertSession: db.prepare<[string, string, string, string]>(
        'INSERT INTO user_sessions (app_id, id, user_id, doc) VALUES (?, ?, ?, ?)',
      ),
      getSession: db.prepare<[string, string], { doc: string }>(
        'SELECT doc FROM user_sessions WHERE app_id = ? AND id = ?',
      ),
      deleteSession: db.prepare<[string, string]>('DELETE FROM user_sessions WHERE app_id = ? AND id = ?'),
      deleteSessions: db.prepare<[string, string]>(
        'DELETE FROM user_sessions WHERE app_id = ? AND user_id = ?',
      ),
      insertKey: db.prepare<[string, string, string, string, string]>(
        'INSERT OR IGNORE INTO user_api_keys (app_id, id, user_id, hash, doc) VALUES (?, ?, ?, ?, ?)',
      ),
      keyByHash: db.prepare<[string, string], { doc: string }>(
        'SELECT doc FROM user_api_keys WHERE app_id = ? AND hash = ?',
      ),
      keysOfUser: db.prepare<[string, string], { doc: string }>(
        'SELECT doc FROM user_api_keys WHERE app_id = ? AND user_id = ? ORDER BY seq',
      ),
      getKey: db.prepare<[string, string, string], { doc: string }>(
        'SELECT doc FROM user_api_keys WHERE app_id = ? AND user_id = ? AND id = ?',
      ),
      setKey: db.prepare<[string, string, string]>(
        'UPDATE user_api_keys SET doc = ? WHERE app_id = ? AND id = ?',
      ),
      deleteKey: db.prepare<[string, string, string]>(
        'DELETE FROM user_api_keys WHERE app_id = ? AND user_id = ? AND id = ?',
      ),
      deleteKeysOfUser: db.prepare<[string, string]>(
        'DELETE FROM user_api_keys WHERE app_id = ? AND user_id = ?',
      ),
      dropKeys: db.prepare<[string]>('DELETE FROM user_api_keys WHERE app_id = ?'),
      dropUsers: db.prepare<[string]>('DELETE FROM users WHERE app_id = ?'),
      dropIdentities: db.prepare<[string]>('DELETE FROM user_identities WHERE app_id = ?'),
      dropSessions: db.prepare<[string]>('DELETE FROM user_sessions WHERE app_id = ?'),
    };
  }

  createUser(appId: AppId, user: UserRecord): Promise<UserRecord> {
    return settle(() => {
      const record: UserRecord = { ...structuredClone(user), appId };
      this.db
        .transaction(() => {
          for (const identity of record.identities) {
            const { changes } = this.stmt.insertIdentity.run(
              appId,
              identity.provider_type,
              identity.id,
              record.id,
            );
            if (changes === 0) throw identityTaken();
          }
          this.stmt.insertUser.run(appId, record.id, JSON.stringify(record));
        })
        .immediate();
      return record;
    });
  }

  findUserById(appId: AppId, userId: string): Promise<UserRecord | null> {
    return settle(() => parseUser(this.stmt.getUser.get(appId, userId)));
  }

  findUserByIdentity(appId: AppId, providerType: string, externalId: string): Promise<UserRecord | null> {
    return settle(() => parseUser(this.stmt.userByIdentity.get(appId, providerType, externalId)));
  }

  listUsers(appId: AppId, options: { limit?: number } = {}): Promise<UserRecord[]> {
    return settle(() =>
      this.stmt.listUsers
        .all(appId, Math.floor(options.limit ?? 10_000))
        .map((row) => JSON.parse(row.doc) as UserRecord),
    );
  }

  updateUser(appId: AppId, userId: string, patch: UserPatch): Promise<UserRecord | null> {
    return settle(() =>
      this.db
        .transaction(() => {
          const current = parseUser(this.stmt.getUser.get(appId, userId));
          if (!current) return null;
          const next: UserRecord = { ...current, ...structuredClone(patch) };
          this.stmt.setUser.run(JSON.stringify(next), appId, userId);
          return next;
        })
        .immediate(),
    );
  }

  deleteUser(appId: AppId, userId: string): Promise<boolean> {
    return settle(() =>
      this.db
        .transaction(() => {
          const deleted = this.stmt.deleteUser.run(appId, userId).changes > 0;
          this.stmt.deleteIdentities.run(appId, userId);
          this.stmt.deleteSessions.run(appId, userId);
          this.stmt.deleteKeysOfUser.run(appId, userId);
          return deleted;
        })
        .immediate(),
    );
  }

  createSession(appId: AppId, session: SessionRecord): Promise<void> {
    return settle(() => {
      this.stmt.insertSession.run(appId, session.id, session.userId, JSON.stringify({ ...session, appId }));
    });
  }

  getSession(appId: AppId, sessionId: string): Promise<SessionRecord | null> {
    return settle(() => {
      const row = this.stmt.getSession.get(appId, sessionId);
      return row ? (JSON.parse(row.doc) as SessionRecord) : null;
    });
  }

  deleteSession(appId: AppId, sessionId: string): Promise<boolean> {
    return settle(() => this.stmt.deleteSession.run(appId, sessionId).changes > 0);
  }

  deleteSessions(appId: AppId, userId: string): Promise<number> {
    return settle(() => this.stmt.deleteSessions.run(appId, userId).changes);
  }

  createApiKey(appId: AppId, key: UserApiKeyRecord): Promise<void> {
    return settle(() => {
      const record = { ...key, appId };
      const { changes } = this.stmt.insertKey.run(
        appId,
        key.id,
        key.userId,
        key.hash,
        JSON.stringify(record),
      );
      if (changes === 0) throw apiKeyTaken();
    });
  }

  findApiKeyByHash(appId: AppId, hash: string): Promise<UserApiKeyRecord | null> {
    return settle(() => {
      const row = this.stmt.keyByHash.get(appId, hash);
      return row ? (JSON.parse(row.doc) as UserApiKeyRecord) : null;
    });
  }

  listApiKeys(appId: AppId, userId: string): Promise<UserApiKeyRecord[]> {
    return settle(() =>
      this.stmt.keysOfUser.all(appId, userId).map((row) => JSON.parse(row.doc) as UserApiKeyRecord),
    );
  }

  setApiKeyDisabled(appId: AppId, userId: string, keyId: string, disabled: boolean): Promise<boolean> {
    return settle(() =>
      this.db
        .transaction(() => {
          const row = this.stmt.getKey.get(appId, userId, keyId);
          if (!row) return false;
          const next = { ...(JSON.parse(row.doc) as UserApiKeyRecord), disabled };
          this.stmt.setKey.run(JSON.stringify(next), appId, keyId);
          return true;
        })
        .immediate(),
    );
  }

  deleteApiKey(appId: AppId, userId: string, keyId: string): Promise<boolean> {
    return settle(() => this.stmt.deleteKey.run(appId, userId, keyId).changes > 0);
  }

  dropApp(appId: AppId): Promise<void> {
    return settle(() => {
      this.db
        .transaction(() => {
          this.stmt.dropSessions.run(appId);
          this.stmt.dropKeys.run(appId);
          this.stmt.dropIdentities.run(appId);
          this.stmt.dropUsers.run(appId);
        })
        .immediate();
    });
  }
}
