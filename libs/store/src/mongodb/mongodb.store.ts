import { MongoClient, type MongoClientOptions } from 'mongodb';
import type { Store } from '../store.port';
import { DEFAULT_LOG_RETENTION, type StoreAdapterOptions } from '../store.constants';
import { MongoMetadataRepository, ensureMetadataIndexes } from './mongodb-metadata.repository';
import { MongoTenantDataRepository, type TenantDatabaseDoc } from './mongodb-tenant-data.repository';
import { MongoUserRepository, ensureUserIndexes } from './mongodb-user.repository';

export interface MongoStoreOptions extends StoreAdapterOptions {
  /** Database of the platform metadata (`PORTICO_MONGODB_DB`). */
  metadataDb: string;
  /** Passed to the driver (pool size, timeouts, TLS…). */
  client?: MongoClientOptions;
}

/**
 * The MongoDB store (the production default): platform metadata in one database, each app's data in
 * databases of its own. Works on a standalone server as well as a replica set: nothing needs
 * multi-document transactions.
 */
export class MongoStore implements Store {
  readonly kind = 'mongodb' as const;
  readonly metadata: MongoMetadataRepository;
  readonly data: MongoTenantDataRepository;
  readonly users: MongoUserRepository;

  private constructor(
    /** The connected driver client; exposed for tests and diagnostics. */
    readonly client: MongoClient,
    options: MongoStoreOptions,
  ) {
    // `ignoreUndefined`: an optional field left undefined is omitted, as JSON (the embedded adapter) does.
    const db = client.db(options.metadataDb, { ignoreUndefined: true });
    this.metadata = new MongoMetadataRepository(db, options.logRetention ?? DEFAULT_LOG_RETENTION);
    this.data = new MongoTenantDataRepository(client, db.collection<TenantDatabaseDoc>('tenant_databases'));
    this.users = new MongoUserRepository(db);
  }

  /** Connects and makes sure the metadata indexes exist (idempotent). */
  static async open(uri: string, options: MongoStoreOptions): Promise<MongoStore> {
    const client = new MongoClient(uri, { appName: 'portico', ...options.client });
    await client.connect();
    try {
      await ensureMetadataIndexes(client.db(options.metadataDb));
      await ensureUserIndexes(client.db(options.metadataDb));
      return new MongoStore(client, options);
    } catch (err) {
      await client.close();
      throw err;
    }
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
