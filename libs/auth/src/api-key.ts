import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys are 64 characters of base62-ish randomness (≈ 380 bits), shown once at creation and stored
 * only as a SHA-256 hash. A slow password hash buys nothing for keys of that entropy and would cost
 * milliseconds on every request.
 */
export function generateApiKey(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(64);
  let key = '';
  for (const b of bytes) key += alphabet[b % alphabet.length];
  return key;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex digests of equal length. */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
