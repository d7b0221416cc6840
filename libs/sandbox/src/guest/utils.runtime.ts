/** Bytes as the host reads them (host/sync-call.args.ts): a string is UTF-8 text. */
export type SyncBytes = string | { b64: string };

/** What `createGuestUtils` needs from the runtime. */
export interface GuestUtilsDeps {
  /** A synchronous call into the sandbox host (`GuestMessage.SyncCall`); throws its error. */
  call: (op: string, args: unknown[]) => unknown;
  /** A string, BSON.Binary, Buffer/Uint8Array or ArrayBuffer as sync-call bytes. */
  toBytes: (value: unknown, what: string) => SyncBytes;
  binaryFromBase64: (base64: string) => unknown;
  ejsonParse: (text: string, options: { relaxed: boolean }) => unknown;
  jsonParse: (text: string) => unknown;
  jsonStringify: (value: unknown) => string | undefined;
}

/**
 * The `utils` global (reference §2.7, App Services `functions/globals.txt`): `utils.crypto` and
 * `utils.jwt`, synchronous as in App Services, each computed by the sandbox host with node:crypto.
 *
 * GUEST CODE: serialized with `Function.prototype.toString` and evaluated inside the isolate, so it
 * references nothing outside its body.
 */
export function createGuestUtils(deps: GuestUtilsDeps): unknown {
  'use strict';
  const { call, toBytes, binaryFromBase64, ejsonParse, jsonParse, jsonStringify } = deps;
  const optional = (value: unknown): unknown => (value === undefined ? null : value);

  const crypto = Object.freeze({
    encrypt(encryptionType: unknown, message: unknown, key: unknown) {
      const sealed = call('utils.crypto.encrypt', [
        encryptionType,
        toBytes(message, 'message'),
        toBytes(key, 'key'),
      ]);
      return binaryFromBase64(sealed as string);
    },
    decrypt(encryptionType: unknown, encryptedMessage: unknown, key: unknown) {
      const plain = call('utils.crypto.decrypt', [
        encryptionType,
        toBytes(encryptedMessage, 'encryptedMessage'),
        toBytes(key, 'key'),
      ]);
      return binaryFromBase64(plain as string);
    },
    sign(encryptionType: unknown, message: unknown, privateKey: unknown, signatureScheme?: unknown) {
      const signature = call('utils.crypto.sign', [
        encryptionType,
        toBytes(message, 'message'),
        privateKey,
        optional(signatureScheme),
      ]);
      return binaryFromBase64(signature as string);
    },
    verify(
      encryptionType: unknown,
      message: unknown,
      publicKey: unknown,
      signature: unknown,
      signatureScheme?: unknown,
    ): boolean {
      return (
        call('utils.crypto.verify', [
          encryptionType,
          toBytes(message, 'message'),
          publicKey,
          toBytes(signature, 'signature'),
          optional(signatureScheme),
        ]) === true
      );
    },
    hmac(input: unknown, secret: unknown, hashFunction: unknown, outputFormat: unknown): string {
      return call('utils.crypto.hmac', [
        toBytes(input, 'input'),
        toBytes(secret, 'secret'),
        hashFunction,
        outputFormat,
      ]) as string;
    },
    hash(hashFunction: unknown, input: unknown) {
      return binaryFromBase64(call('utils.crypto.hash', [hashFunction, toBytes(input, 'input')]) as string);
    },
  });

  const jwt = Object.freeze({
    encode(signingMethod: unknown, payload: unknown, secret: unknown, customHeaderFields?: unknown): string {
      const header =
        customHeaderFields === undefined || customHeaderFields === null
          ? null
          : jsonStringify(customHeaderFields);
      return call('utils.jwt.encode', [
        signingMethod,
        jsonStringify(payload) ?? null,
        secret,
        header,
      ]) as string;
    },
    decode(
      jwtString: unknown,
      key: unknown,
      returnHeader?: unknown,
      acceptedSigningMethods?: unknown,
    ): unknown {
      const accepted = Array.isArray(acceptedSigningMethods) ? acceptedSigningMethods.map(String) : null;
      const [header, payload] = call('utils.jwt.decode', [jwtString, key, accepted]) as [string, string];
      // App Services returns the payload as EJSON (a `$oid` claim comes back as an ObjectId).
      const claims = ejsonParse(payload, { relaxed: true });
      return returnHeader === true ? { header: jsonParse(header), payload: claims } : claims;
    },
  });

  return Object.freeze({ crypto, jwt });
}
