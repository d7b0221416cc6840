import type { Namespace } from '../store.port';
import { invalidOperation } from './store-errors';

/** Characters MongoDB forbids in database names on any platform. */
const FORBIDDEN_DB_CHARS = /[/\\. "$*<>:|?\0]/;

/**
 * Database and collection names follow MongoDB's rules in both adapters, so tenant code that works
 * on one works on the other: a database name has none of `/\. "$*<>:|?` and fewer than 64 bytes; a
 * collection name is not empty, has no `$` or NUL and does not start with `system.`.
 */
export function assertNamespace(ns: Namespace): void {
  const { db, collection } = ns ?? ({} as Partial<Namespace>);
  if (typeof db !== 'string' || db === '' || FORBIDDEN_DB_CHARS.test(db) || Buffer.byteLength(db) > 63) {
    throw invalidOperation(`invalid database name '${String(db)}'`);
  }
  if (
    typeof collection !== 'string' ||
    collection === '' ||
    /[$\0]/.test(collection) ||
    collection.startsWith('system.') ||
    Buffer.byteLength(collection) > 200
  ) {
    throw invalidOperation(`invalid collection name '${String(collection)}'`);
  }
}
