import { createHash } from 'node:crypto';

/** MongoDB database names must be shorter than 64 bytes. */
export const MAX_DB_NAME_BYTES = 63;

/** Prefix of a tenant database whose name is spelled out. */
export const PLAIN_PREFIX = 't_';
/** Prefix of a tenant database whose name ends in a hash (too long, or characters that cannot pass). */
export const HASHED_PREFIX = 'th_';

/** Names that pass through unchanged: lowercase, so two of them never differ only by case. */
const PLAIN = /^[a-z0-9_-]+$/;
const HASH_HEX_DIGITS = 16;

/**
 * The MongoDB database holding database `db` of app `appId`. Only `a-z 0-9 _ -` ever appear, which
 * every MongoDB deployment (and managed look-alikes with stricter rules) accepts.
 *
 * - `t_<appId>_<db>` when `db` is lowercase letters, digits, `_` and `-` and the whole fits in 63 bytes;
 * - otherwise `th_<readable>_<hash>`: a readable, truncated prefix of `<appId>_<db>` (other characters
 *   as `_`) and 16 hex digits of SHA-256 over the app id and `db`.
 *
 * Why two apps never share a database: app ids contain no `_`, so in a `t_` name the first `_` after
 * the prefix ends the app id; `t_` and `th_` names never equal each other; hashed names differ unless
 * SHA-256 collides in 64 bits. MongoDB refuses two names differing only by case, which is why any
 * uppercase letter takes the hashed form.
 */
export function tenantDbName(appId: string, db: string): string {
  const plain = `${PLAIN_PREFIX}${appId}_${db}`;
  if (PLAIN.test(db) && Buffer.byteLength(plain) <= MAX_DB_NAME_BYTES) return plain;
  const hash = createHash('sha256')
    .update(appId)
    .update('\0')
    .update(db)
    .digest('hex')
    .slice(0, HASH_HEX_DIGITS);
  const room = MAX_DB_NAME_BYTES - HASHED_PREFIX.length - 1 - HASH_HEX_DIGITS;
  const readable = `${appId}_${db}`
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '_')
    .slice(0, room);
  return `${HASHED_PREFIX}${readable}_${hash}`;
}
