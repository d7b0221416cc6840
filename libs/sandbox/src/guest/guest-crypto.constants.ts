/**
 * Digests the guest's `require('crypto')` offers (`createHash`, `createHmac`, `getHashes()`), all
 * computed by the sandbox host process. Shared by the host, which checks every request against it,
 * and the guest script, which lists it.
 */
export const NODE_HASHES = [
  'md5',
  'sha1',
  'sha224',
  'sha256',
  'sha384',
  'sha512',
  'sha512-256',
  'sha3-256',
  'sha3-384',
  'sha3-512',
  'ripemd160',
] as const;
