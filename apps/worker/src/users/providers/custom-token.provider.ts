import { importSPKI, jwtVerify, type JWTPayload } from 'jose';
import type { AuthProviderSpec } from '@portico/contracts';

/** What a verified custom JWT gives: the external id (`sub`) and the user data its metadata fields fill. */
export interface CustomTokenIdentity {
  externalId: string;
  data: Record<string, unknown>;
}

/** Why a custom JWT was refused (the client API shows it; endpoints answer the generic 401). */
export class CustomTokenRejected extends Error {}

const ALGORITHMS = new Set(['HS256', 'RS256']);

const pathValue = (payload: JWTPayload, path: string): unknown => {
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
};

const secretNames = (provider: AuthProviderSpec): string[] => {
  const names = provider.secret_config.signingKeys ?? provider.secret_config.signingKey;
  if (typeof names === 'string') return [names];
  return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
};

/**
 * Verifies a custom JWT (reference §1.7 custom-token): HS256 with a shared secret or RS256 with a PEM
 * public key, each named in `secret_config.signingKeys` and read from the app's secrets (any of up
 * to three keys may have signed it, so keys can rotate); `audience` when configured; `sub` is the
 * external id; `metadata_fields` are copied into the user data by `field_name` (default: the last
 * part of `name`), and a required one that is missing refuses the token. JWK URIs are not supported.
 */
export async function verifyCustomToken(
  provider: AuthProviderSpec,
  secrets: Record<string, string>,
  token: string,
): Promise<CustomTokenIdentity> {
  const algorithm =
    typeof provider.config.signingAlgorithm === 'string' ? provider.config.signingAlgorithm : 'HS256';
  if (!ALGORITHMS.has(algorithm)) throw new CustomTokenRejected(`unsupported signing algorithm ${algorithm}`);
  if (provider.config.useJWKURI === true) throw new CustomTokenRejected('JWK URIs are not supported');
  const keys = secretNames(provider)
    .filter((name) => Object.hasOwn(secrets, name))
    .map((name) => secrets[name]);
  if (keys.length === 0) throw new CustomTokenRejected('no signing key is set for the custom-token provider');
  const audience = provider.config.audience;
  const audiences = (Array.isArray(audience) ? audience : [audience]).filter(
    (a): a is string => typeof a === 'string' && a !== '',
  );

  let payload: JWTPayload | undefined;
  for (const key of keys) {
    try {
      const verifyKey =
        algorithm === 'HS256' ? new TextEncoder().encode(key) : await importSPKI(key, algorithm);
      ({ payload } = await jwtVerify(token, verifyKey, {
        algorithms: [algorithm],
        ...(audiences.length > 0 ? { audience: audiences } : {}),
      }));
      break;
    } catch {
      // try the next key
    }
  }
  if (!payload) throw new CustomTokenRejected('token is invalid, expired, or signed with an unknown key');
  if (typeof payload.sub !== 'string' || payload.sub === '')
    throw new CustomTokenRejected('token has no sub');

  const data: Record<string, unknown> = {};
  for (const field of provider.metadata_fields) {
    const value = pathValue(payload, field.name);
    if (value === undefined) {
      if (field.required) throw new CustomTokenRejected(`required metadata field ${field.name} is missing`);
      continue;
    }
    data[field.field_name ?? field.name.split('.').pop() ?? field.name] = value;
  }
  return { externalId: payload.sub, data };
}
