import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Store } from '../store.port';
import { DEFAULT_LOG_RETENTION, type StoreAdapterOptions } from '../store.constants';
import { EmbeddedMetadataRepository } from './embedded-metadata.repository';
import { EmbeddedTenantDataRepository } from './embedded-tenant-data.repository';
import { EmbeddedUserRepository } from './embedded-user.repository';
import { EMBEDDED_DB_FILE, openSqlite } from './sqlite.schema';

/**
 * The embedded store: one SQLite file, `<dataDir>/portico.db`, shared safely by every Portico process
 * on the host (DESIGN "Storage"). The default when `MONGODB_URI` is unset.
 */
export class EmbeddedStore implements Store {
  readonly kind = 'embedded' as const;
  readonly metadata: EmbeddedMetadataRepository;
  readonly data: EmbeddedTenantDataRepository;
  readonly users: EmbeddedUserRepository;

  private constructor(
    /** The open connection; exposed for tests and diagnostics, not for other code to query. */
    readonly sqlite: Database.Database,
    options: StoreAdapterOptions,
  ) {
    this.metadata = new EmbeddedMetadataRepository(sqlite, options.logRetention ?? DEFAULT_LOG_RETENTION);
    this.data = new EmbeddedTenantDataRepository(sqlite);
    this.users = new EmbeddedUserRepository(sqlite);
  }

  /** Opens (creating the directory and the file if needed) the store in `dataDir`. */
  static open(dataDir: string, options: StoreAdapterOptions = {}): EmbeddedStore {
    mkdirSync(dataDir, { recursive: true });
    return new EmbeddedStore(openSqlite(join(dataDir, EMBEDDED_DB_FILE)), options);
  }

  close(): Promise<void> {
    if (this.sqlite.open) this.sqlite.close();
    return Promise.resolve();
  }
}
