import { signPayload, verifyPayloadSignature } from './payload-signature';

// The live-tested vector of reference §3.3 (DAS:examples/data-api/custom-endpoints.sh).
const SECRET = 'Super5ecr3tPa55w0rd';
const BODY = Buffer.from('{ "message": "Hello!" }');
const SIGNATURE = 'sha256=d4f0537db4e230d7a6028a6f7c3bb1b57c9d16f39176d78697e559ac333e0b36';

describe('payload signatures', () => {
  it('signs the documented test vector over the raw bytes', () => {
    expect(signPayload(SECRET, BODY)).toBe(SIGNATURE);
  });

  it('verifies the documented vector, also with an upper-case prefix and hex', () => {
    expect(verifyPayloadSignature(SECRET, BODY, SIGNATURE)).toBe(true);
    expect(verifyPayloadSignature(SECRET, BODY, SIGNATURE.toUpperCase())).toBe(true);
  });

  it('rejects a re-serialized body, another secret, and malformed or missing headers', () => {
    expect(verifyPayloadSignature(SECRET, Buffer.from('{"message":"Hello!"}'), SIGNATURE)).toBe(false);
    expect(verifyPayloadSignature('other', BODY, SIGNATURE)).toBe(false);
    expect(verifyPayloadSignature(SECRET, BODY, undefined)).toBe(false);
    expect(verifyPayloadSignature(SECRET, BODY, SIGNATURE.slice('sha256='.length))).toBe(false);
    expect(verifyPayloadSignature(SECRET, BODY, `sha1=${SIGNATURE.slice(7)}`)).toBe(false);
    expect(verifyPayloadSignature(SECRET, BODY, `${SIGNATURE.slice(0, -1)}z`)).toBe(false);
    expect(verifyPayloadSignature(SECRET, BODY, `${SIGNATURE}00`)).toBe(false);
  });

  it('signs an empty body like any other', () => {
    const empty = new Uint8Array(0);
    expect(verifyPayloadSignature(SECRET, empty, signPayload(SECRET, empty))).toBe(true);
  });
});
