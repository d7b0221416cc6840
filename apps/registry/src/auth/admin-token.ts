import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PorticoConfig } from '@portico/config';
import { ADMIN_TOKEN_FILE } from '../registry.constants';

/** The admin token in force and whether this call created it (so the caller prints it once). */
export interface ResolvedAdminToken {
  token: string;
  generated: boolean;
}

/**
 * Decides the admin bearer token: `PORTICO_ADMIN_TOKEN` when set, else the one stored in
 * `<dataDir>/admin-token`, else a new one (32 random bytes, base64url) written there with mode 0600.
 * Later calls read the stored file, so only the first run reports `generated: true`.
 */
export function resolveAdminToken(config: Pick<PorticoConfig, 'adminToken' | 'dataDir'>): ResolvedAdminToken {
  if (config.adminToken) return { token: config.adminToken, generated: false };
  const file = join(config.dataDir, ADMIN_TOKEN_FILE);
  const stored = readStoredToken(file);
  if (stored) return { token: stored, generated: false };

  mkdirSync(config.dataDir, { recursive: true });
  const token = randomBytes(32).toString('base64url');
  try {
    // `wx`: if another process of this host won the race, use its token instead of overwriting it.
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    const raced = (err as NodeJS.ErrnoException).code === 'EEXIST' ? readStoredToken(file) : undefined;
    if (raced) return { token: raced, generated: false };
    throw err;
  }
  return { token, generated: true };
}

function readStoredToken(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
