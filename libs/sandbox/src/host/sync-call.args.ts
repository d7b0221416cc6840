import { GUEST_LIMITS } from '../guest/guest-limits.constants';

/**
 * Checks for the arguments of sync calls (host/sync-calls.ts). They come from the guest, which
 * shares its context with tenant code: every one is hostile until checked. A failed check throws
 * `SyncCallError`, whose message becomes the guest's exception.
 */
export class SyncCallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SyncCallError';
  }
}

/** Bytes as the guest sends them: a string is UTF-8 text, `{ b64 }` raw bytes (Binary, Buffer). */
export type GuestBytes = string | { b64: string };

/** Largest input for a hash, HMAC or cipher (see `GUEST_LIMITS`). */
export const MAX_DATA_BYTES = GUEST_LIMITS.maxSyncDataBytes;
/** Largest key, secret or PEM text. */
export const MAX_KEY_BYTES = GUEST_LIMITS.maxSyncKeyBytes;

export function text(value: unknown, what: string, max = MAX_DATA_BYTES): string {
  if (typeof value !== 'string') throw new SyncCallError(`${what} must be a string`);
  if (value.length > max) throw new SyncCallError(`${what} is too large`);
  return value;
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new SyncCallError(`${what} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
  }
  return value as T;
}

export function bytes(value: unknown, what: string, max = MAX_DATA_BYTES): Buffer {
  if (typeof value === 'string') {
    if (value.length > max) throw new SyncCallError(`${what} is too large`);
    return Buffer.from(value, 'utf8');
  }
  if (value !== null && typeof value === 'object' && typeof (value as { b64?: unknown }).b64 === 'string') {
    const b64 = (value as { b64: string }).b64;
    if (b64.length > Math.ceil((max * 4) / 3) + 4) throw new SyncCallError(`${what} is too large`);
    return Buffer.from(b64, 'base64');
  }
  throw new SyncCallError(`${what} must be a string or a BSON.Binary`);
}
