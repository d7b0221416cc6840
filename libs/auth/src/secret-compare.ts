import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Compares a presented secret (e.g. `?secret=`) with the stored one in constant time. Both sides are
 * hashed first so that neither the content nor the length of the stored secret leaks through timing.
 */
export function secretsEqual(expected: string, presented: string): boolean {
  return timingSafeEqual(digest(expected), digest(presented));
}
