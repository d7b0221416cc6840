import { EJSON } from 'bson';
import type { Codec } from './codec';

/**
 * MongoDB Extended JSON. Responses are always canonical EJSON (reference §2.4: `{"$numberInt":"7"}`,
 * `{"$date":{"$numberLong":"…"}}`); requests may be canonical or relaxed, and decode to native values
 * where they are lossless.
 */
export const ejsonCodec: Codec<'EJSON'> = {
  name: 'EJSON',
  mediaType: 'application/ejson',
  encode: (value) => Buffer.from(EJSON.stringify(value ?? null, { relaxed: false }), 'utf8'),
  decode: (bytes) =>
    EJSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as unknown,
};
