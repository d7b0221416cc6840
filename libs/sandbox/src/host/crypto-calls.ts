import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { NODE_HASHES } from '../guest/guest-crypto.constants';
import { GUEST_LIMITS } from '../guest/guest-limits.constants';
import { MAX_KEY_BYTES, SyncCallError, bytes, oneOf, text } from './sync-call.args';

/**
 * `utils.crypto` (reference §2.7, App Services `functions/globals.txt`) and the hashing part of
 * `require('crypto')`, computed with node:crypto in the sandbox host process. Binary results are
 * base64 strings; the guest turns them into `BSON.Binary` or `Buffer`.
 */

const UTILS_HMAC = ['sha1', 'sha256', 'sha512'] as const;
const UTILS_HASH = ['sha1', 'sha256', 'md5'] as const;

const SIGNATURE_SCHEMES = ['pss', 'pkcs1v15', 'pkcs1v1.5'] as const;
/** AES-GCM as App Services does it: a 12-byte random nonce first, the 16-byte tag last. */
const GCM_NONCE = 12;
const GCM_TAG = 16;
/** Most random bytes one `randomBytes` call returns (Node's own cap is 2 GB; a guest needs far less). */
const MAX_RANDOM_BYTES = GUEST_LIMITS.maxRandomBytes;

type Op = (args: unknown[]) => unknown;

function aesKey(key: unknown): { cipher: 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm'; key: Buffer } {
  const raw = bytes(key, 'key', MAX_KEY_BYTES);
  switch (raw.length) {
    case 16:
      return { cipher: 'aes-128-gcm', key: raw };
    case 24:
      return { cipher: 'aes-192-gcm', key: raw };
    case 32:
      return { cipher: 'aes-256-gcm', key: raw };
    default:
      throw new SyncCallError(`utils.crypto: an AES key must be 16, 24 or 32 bytes long, not ${raw.length}`);
  }
}

function pem(value: unknown, what: string, kind: 'private' | 'public'): KeyObject {
  const source = text(value, what, MAX_KEY_BYTES);
  try {
    const key = kind === 'private' ? createPrivateKey(source) : createPublicKey(source);
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not an RSA key');
    return key;
  } catch {
    throw new SyncCallError(`utils.crypto: ${what} is not a PEM RSA ${kind} key`);
  }
}

/** RSA-PSS signs with the longest salt and verifies any salt length, as Go's `rsa.SignPSS` (App Services). */
function rsaPadding(scheme: unknown): { padding: number; saltLength?: number } {
  const chosen =
    scheme === undefined || scheme === null ? 'pss' : oneOf(scheme, SIGNATURE_SCHEMES, 'signature scheme');
  return chosen === 'pss'
    ? { padding: constants.RSA_PKCS1_PSS_PADDING }
    : { padding: constants.RSA_PKCS1_PADDING };
}

export const CRYPTO_CALLS: Record<string, Op> = {
  'utils.crypto.hmac': ([input, secret, hash, format]) =>
    createHmac(oneOf(hash, UTILS_HMAC, 'hash function'), bytes(secret, 'secret', MAX_KEY_BYTES))
      .update(bytes(input, 'input'))
      .digest(oneOf(format, ['hex', 'base64'] as const, 'output format')),

  'utils.crypto.hash': ([hash, input]) =>
    createHash(oneOf(hash, UTILS_HASH, 'hash function'))
      .update(bytes(input, 'input'))
      .digest('base64'),

  'utils.crypto.encrypt': ([type, message, key]) => {
    oneOf(type, ['aes'] as const, 'encryption type');
    const { cipher, key: raw } = aesKey(key);
    const nonce = randomBytes(GCM_NONCE);
    const c = createCipheriv(cipher, raw, nonce);
    const body = Buffer.concat([c.update(bytes(message, 'message')), c.final()]);
    return Buffer.concat([nonce, body, c.getAuthTag()]).toString('base64');
  },

  'utils.crypto.decrypt': ([type, message, key]) => {
    oneOf(type, ['aes'] as const, 'encryption type');
    const { cipher, key: raw } = aesKey(key);
    const sealed = bytes(message, 'encrypted message');
    if (sealed.length < GCM_NONCE + GCM_TAG)
      throw new SyncCallError('utils.crypto.decrypt: message too short');
    try {
      const d = createDecipheriv(cipher, raw, sealed.subarray(0, GCM_NONCE));
      d.setAuthTag(sealed.subarray(sealed.length - GCM_TAG));
      return Buffer.concat([
        d.update(sealed.subarray(GCM_NONCE, sealed.length - GCM_TAG)),
        d.final(),
      ]).toString('base64');
    } catch {
      throw new SyncCallError('utils.crypto.decrypt: message authentication failed');
    }
  },

  'utils.crypto.sign': ([type, message, privateKey, scheme]) => {
    oneOf(type, ['rsa'] as const, 'encryption type');
    const key = pem(privateKey, 'private key', 'private');
    const padding = rsaPadding(scheme);
    return sign('sha256', bytes(message, 'message'), {
      key,
      ...padding,
      ...(padding.padding === constants.RSA_PKCS1_PSS_PADDING
        ? { saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN }
        : {}),
    }).toString('base64');
  },

  'utils.crypto.verify': ([type, message, publicKey, signature, scheme]) => {
    oneOf(type, ['rsa'] as const, 'encryption type');
    const key = pem(publicKey, 'public key', 'public');
    const padding = rsaPadding(scheme);
    return verify(
      'sha256',
      bytes(message, 'message'),
      {
        key,
        ...padding,
        ...(padding.padding === constants.RSA_PKCS1_PSS_PADDING
          ? { saltLength: constants.RSA_PSS_SALTLEN_AUTO }
          : {}),
      },
      bytes(signature, 'signature', MAX_KEY_BYTES),
    );
  },

  'node.crypto.hash': ([algorithm, data]) =>
    createHash(oneOf(algorithm, NODE_HASHES, 'digest'))
      .update(bytes(data, 'data'))
      .digest('base64'),

  'node.crypto.hmac': ([algorithm, key, data]) =>
    createHmac(oneOf(algorithm, NODE_HASHES, 'digest'), bytes(key, 'key', MAX_KEY_BYTES))
      .update(bytes(data, 'data'))
      .digest('base64'),

  'node.crypto.randomBytes': ([size]) => {
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > MAX_RANDOM_BYTES)
      throw new SyncCallError(`randomBytes: size must be an integer from 0 to ${MAX_RANDOM_BYTES}`);
    return randomBytes(size).toString('base64');
  },
};
