import {
  constants,
  createHmac,
  createPrivateKey,
  createPublicKey,
  sign,
  timingSafeEqual,
  verify,
  type KeyObject,
} from 'node:crypto';
import { MAX_DATA_BYTES, MAX_KEY_BYTES, SyncCallError, oneOf, text } from './sync-call.args';

/**
 * `utils.jwt.encode` / `decode` (reference §2.7): compact JWS with the signing methods App Services
 * lists. Written on node:crypto rather than jose because the guest calls them synchronously and
 * jose's API is asynchronous only; the JWS compact form is three base64url parts, so little code.
 */

export const JWT_METHODS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
] as const;
type JwtMethod = (typeof JWT_METHODS)[number];

const DIGEST = { '256': 'sha256', '384': 'sha384', '512': 'sha512' } as const;
/** ES512 is ECDSA on P-521 with SHA-512 (App Services' docs call the curve "P-512"). */
const CURVE = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' } as const;

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

function keyFor(method: JwtMethod, key: string, use: 'sign' | 'verify'): KeyObject {
  try {
    const object = use === 'sign' ? createPrivateKey(key) : createPublicKey(key);
    const family = method[0] === 'E' ? 'ec' : method[0] === 'P' ? ['rsa', 'rsa-pss'] : ['rsa'];
    const type = object.asymmetricKeyType ?? '';
    if (Array.isArray(family) ? !family.includes(type) : family !== type) throw new Error('wrong key type');
    if (family === 'ec' && object.asymmetricKeyDetails?.namedCurve !== CURVE[method as keyof typeof CURVE])
      throw new Error('wrong curve');
    return object;
  } catch {
    throw new SyncCallError(
      `utils.jwt: the key is not a PEM ${use === 'sign' ? 'private' : 'public'} key for ${method}`,
    );
  }
}

function signingOptions(method: JwtMethod, key: KeyObject) {
  if (method[0] === 'P')
    return {
      key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      // RFC 7518 §3.5: the salt is as long as the hash (32, 48 or 64 bytes).
      saltLength: Number(method.slice(2)) / 8,
    };
  if (method[0] === 'E') return { key, dsaEncoding: 'ieee-p1363' as const };
  return { key };
}

function signature(method: JwtMethod, input: string, secret: string): Buffer {
  const digest = DIGEST[method.slice(2) as keyof typeof DIGEST];
  if (method[0] === 'H') {
    if (/-----BEGIN [A-Z ]*KEY-----/.test(secret))
      throw new SyncCallError('utils.jwt: an HMAC secret must not be a PEM key');
    return createHmac(digest, secret).update(input).digest();
  }
  return sign(digest, Buffer.from(input), signingOptions(method, keyFor(method, secret, 'sign')));
}

function jsonPart(part: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new SyncCallError(`utils.jwt.decode: malformed token ${what}`);
}

export const JWT_CALLS: Record<string, (args: unknown[]) => unknown> = {
  /** [method, payload JSON text, secret, custom header fields JSON text or null] → token. */
  'utils.jwt.encode': ([method, payloadJson, secret, headerJson]) => {
    const alg = oneOf(method, JWT_METHODS, 'signing method');
    const payload = text(payloadJson, 'payload', MAX_DATA_BYTES);
    const custom: unknown =
      typeof headerJson === 'string' ? JSON.parse(text(headerJson, 'customHeaderFields', MAX_KEY_BYTES)) : {};
    if (custom === null || typeof custom !== 'object' || Array.isArray(custom))
      throw new SyncCallError('utils.jwt.encode: customHeaderFields must be an object');
    const fields = custom as Record<string, unknown>;
    const header = JSON.stringify({ ...fields, alg, typ: fields.typ ?? 'JWT' });
    const input = `${b64url(header)}.${b64url(payload)}`;
    return `${input}.${b64url(signature(alg, input, text(secret, 'secret', MAX_KEY_BYTES)))}`;
  },

  /**
   * [token, key, accepted methods or null] → [header JSON, payload JSON]. Verifies the signature
   * (the `alg` of the header must be one App Services supports, and in the accepted list when
   * given), then `exp` and `nbf` as App Services' JWT library did.
   */
  'utils.jwt.decode': ([token, key, accepted]) => {
    const parts = text(token, 'jwtString', MAX_DATA_BYTES).split('.');
    if (parts.length !== 3) throw new SyncCallError('utils.jwt.decode: a JWT has three parts');
    const header = jsonPart(parts[0], 'header');
    const payload = jsonPart(parts[1], 'payload');
    const alg = oneOf(header.alg, JWT_METHODS, 'the token\'s "alg"');
    if (accepted !== null && accepted !== undefined) {
      if (!Array.isArray(accepted) || !accepted.includes(alg))
        throw new SyncCallError(`utils.jwt.decode: signing method ${alg} is not accepted`);
    }
    const secret = text(key, 'key', MAX_KEY_BYTES);
    const input = `${parts[0]}.${parts[1]}`;
    const given = Buffer.from(parts[2], 'base64url');
    let valid: boolean;
    if (alg[0] === 'H') {
      const expected = signature(alg, input, secret);
      valid = expected.length === given.length && timingSafeEqual(expected, given);
    } else {
      const digest = DIGEST[alg.slice(2) as keyof typeof DIGEST];
      valid = verify(digest, Buffer.from(input), signingOptions(alg, keyFor(alg, secret, 'verify')), given);
    }
    if (!valid) throw new SyncCallError('utils.jwt.decode: signature is invalid');
    const now = Date.now() / 1000;
    if (typeof payload.exp === 'number' && now >= payload.exp)
      throw new SyncCallError('utils.jwt.decode: token is expired');
    if (typeof payload.nbf === 'number' && now < payload.nbf)
      throw new SyncCallError('utils.jwt.decode: token is not valid yet');
    return [JSON.stringify(header), Buffer.from(parts[1], 'base64url').toString('utf8')];
  },
};
