import type { Codec } from './codec';

/**
 * Plain JSON. `undefined` encodes as `null` so that every value has a body. Rendering BSON values the
 * App Services way (ObjectId as hex, Binary as `{Subtype, Data}`, …) happens where those values live
 * (the guest runtime), not here.
 */
export const jsonCodec: Codec<'JSON'> = {
  name: 'JSON',
  mediaType: 'application/json',
  encode: (value) => Buffer.from(JSON.stringify(value) ?? 'null', 'utf8'),
  decode: (bytes) =>
    JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as unknown,
};
