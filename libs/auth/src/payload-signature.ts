import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sha256=';
const HEX_DIGEST = /^[0-9a-fA-F]{64}$/;

/**
 * The `Endpoint-Signature` value for `body`: `sha256=<hex HMAC-SHA256(secret, raw body bytes)>`
 * (reference §3.3, §7.8). Computed over the bytes as received, never over a re-serialization.
 */
export function signPayload(secret: string, body: Uint8Array): string {
  return PREFIX + createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * Checks an `Endpoint-Signature` header against the raw body, in constant time. False when the header
 * is missing, lacks the `sha256=` prefix, or is not a 32-byte hex digest.
 */
export function verifyPayloadSignature(
  secret: string,
  body: Uint8Array,
  signature: string | undefined,
): boolean {
  if (signature === undefined || signature.length !== PREFIX.length + 64) return false;
  if (signature.slice(0, PREFIX.length).toLowerCase() !== PREFIX) return false;
  const hex = signature.slice(PREFIX.length);
  if (!HEX_DIGEST.test(hex)) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
}
