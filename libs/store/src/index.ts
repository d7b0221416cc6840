export * from './store.port';
export * from './store.constants';
export * from './store.factory';
export * from './store.module';
export { EmbeddedStore } from './embedded/embedded.store';
export { EMBEDDED_DB_FILE } from './embedded/sqlite.schema';
export { MongoStore, type MongoStoreOptions } from './mongodb/mongodb.store';
export { tenantDbName } from './mongodb/tenant-db-name';
