import { MongoServerError } from 'mongodb';
import { PorticoError } from '@portico/contracts';
import { duplicateKeyError, invalidOperation } from '../shared/store-errors';

const DUPLICATE_KEY_CODES = new Set([11000, 11001]);

/** True for a unique-index violation (also inside a bulk write error). */
export const isDuplicateKey = (err: unknown): boolean =>
  err instanceof MongoServerError && typeof err.code === 'number' && DUPLICATE_KEY_CODES.has(err.code);

/**
 * Runs a driver call on tenant data, mapping the server's answer to tenant input problems onto the
 * stable codes the embedded adapter uses: duplicate key → Conflict (the server's "E11000 …" message
 * kept), any other server-side rejection (bad operator, bad update…) → InvalidParameter. Network and
 * driver failures pass through unchanged: they are the platform's, not the tenant's.
 */
export async function tenantCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof PorticoError) throw err;
    if (isDuplicateKey(err)) {
      const message = (err as MongoServerError).message;
      throw duplicateKeyError(message.replace(/^E11000 duplicate key error\s*/, ''));
    }
    if (err instanceof MongoServerError) throw invalidOperation(err.message);
    throw err;
  }
}
