import type { PorticoConfig } from '@portico/config';
import type { Store } from './store.port';
import { EmbeddedStore } from './embedded/embedded.store';
import { MongoStore } from './mongodb/mongodb.store';

/**
 * The one place that picks the store adapter (CONVENTIONS 5): MongoDB when `MONGODB_URI` is set,
 * otherwise the embedded SQLite store in `PORTICO_DATA_DIR` (created if missing).
 */
export async function openStore(config: PorticoConfig): Promise<Store> {
  const logRetention = config.logs.retentionPerApp;
  switch (config.store.kind) {
    case 'embedded':
      return EmbeddedStore.open(config.dataDir, { logRetention });
    case 'mongodb':
      return MongoStore.open(config.store.uri, { metadataDb: config.store.metadataDb, logRetention });
  }
}
