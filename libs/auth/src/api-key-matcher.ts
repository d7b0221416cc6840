import { timingSafeEqual } from 'node:crypto';
import { hashApiKey } from './api-key';

/** The stored form of an API key the matcher needs (a subset of `ApiKeyRecord`). */
export interface StoredApiKey {
  id: string;
  name: string;
  /** hex SHA-256 of the key (`hashApiKey`). */
  hash: string;
  disabled: boolean;
}

/** An API key that matched: who the caller is, never the hash. */
export interface MatchedApiKey {
  id: string;
  name: string;
}

/**
 * Finds which enabled API key a presented key is. Built once per app version (the digests are decoded
 * up front), then `match` hashes the presented key and compares it with every candidate in constant
 * time, without stopping at the first hit, so timing reveals neither which key matched nor how many exist.
 */
export class ApiKeyMatcher {
  private readonly candidates: { key: MatchedApiKey; digest: Buffer }[];

  constructor(keys: readonly StoredApiKey[]) {
    this.candidates = keys
      .filter((k) => !k.disabled)
      .map((k) => ({ key: { id: k.id, name: k.name }, digest: Buffer.from(k.hash, 'hex') }))
      // A malformed stored hash can never match; dropping it keeps timingSafeEqual's lengths equal.
      .filter((c) => c.digest.length === 32);
  }

  match(presented: string): MatchedApiKey | undefined {
    const digest = Buffer.from(hashApiKey(presented), 'hex');
    let found: MatchedApiKey | undefined;
    for (const candidate of this.candidates) {
      if (timingSafeEqual(candidate.digest, digest) && found === undefined) found = candidate.key;
    }
    return found;
  }
}
