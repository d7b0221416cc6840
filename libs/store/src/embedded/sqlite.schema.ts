import Database from 'better-sqlite3';

/** File name of the embedded store inside `PORTICO_DATA_DIR`. */
export const EMBEDDED_DB_FILE = 'portico.db';

/**
 * How long a connection waits for another process's write lock before failing with SQLITE_BUSY.
 * Every write is a short `BEGIN IMMEDIATE` transaction, so waits are brief; the margin covers a slow disk.
 */
export const BUSY_TIMEOUT_MS = 10_000;

const SCHEMA_VERSION = 2;

/**
 * One table per kind of record (every statement is idempotent, so a version bump re-runs it all). Tenant documents live in one table keyed by (app, db, collection,
 * `_id`): every lookup names the app, and the unique index makes an `_id` lookup one index search.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS apps (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  version INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS deployments (
  app_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  spec TEXT NOT NULL,
  PRIMARY KEY (app_id, version)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS invocation_logs (
  seq INTEGER PRIMARY KEY,
  app_id TEXT NOT NULL,
  entry TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS invocation_logs_by_app ON invocation_logs (app_id, seq);

CREATE TABLE IF NOT EXISTS tenant_collections (
  app_id TEXT NOT NULL,
  db TEXT NOT NULL,
  coll TEXT NOT NULL,
  PRIMARY KEY (app_id, db, coll)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS tenant_documents (
  seq INTEGER PRIMARY KEY,
  app_id TEXT NOT NULL,
  db TEXT NOT NULL,
  coll TEXT NOT NULL,
  id_key TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS tenant_documents_by_id ON tenant_documents (app_id, db, coll, id_key);
CREATE INDEX IF NOT EXISTS tenant_documents_by_collection ON tenant_documents (app_id, db, coll, seq);

CREATE TABLE IF NOT EXISTS users (
  seq INTEGER PRIMARY KEY,
  app_id TEXT NOT NULL,
  id TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS users_by_id ON users (app_id, id);

CREATE TABLE IF NOT EXISTS user_identities (
  app_id TEXT NOT NULL,
  provider_type TEXT NOT NULL,
  external_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  PRIMARY KEY (app_id, provider_type, external_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS user_identities_by_user ON user_identities (app_id, user_id);

CREATE TABLE IF NOT EXISTS user_sessions (
  app_id TEXT NOT NULL,
  id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (app_id, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS user_sessions_by_user ON user_sessions (app_id, user_id);

CREATE TABLE IF NOT EXISTS user_api_keys (
  seq INTEGER PRIMARY KEY,
  app_id TEXT NOT NULL,
  id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  hash TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS user_api_keys_by_id ON user_api_keys (app_id, id);
CREATE UNIQUE INDEX IF NOT EXISTS user_api_keys_by_hash ON user_api_keys (app_id, hash);
CREATE INDEX IF NOT EXISTS user_api_keys_by_user ON user_api_keys (app_id, user_id, seq);
`;

/**
 * Opens (creating if needed) the SQLite file for use by several processes at once: WAL lets readers
 * run beside one writer, `busy_timeout` makes a writer wait for another process's lock instead of
 * failing, and `synchronous=NORMAL` is WAL's recommended durability (safe against process crashes;
 * a power loss may drop the last commits, never corrupt the file).
 */
export function openSqlite(file: string): Database.Database {
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Several processes may start at once: create the schema under the write lock, once.
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) >= SCHEMA_VERSION) return;
      db.exec(SCHEMA);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }).immediate();
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
