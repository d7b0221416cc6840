import type { InvocationJob } from '@portico/contracts';
import { CodecRegistry } from './codec-registry';
import { ejsonCodec } from './ejson.codec';
import { jsonCodec } from './json.codec';

/** The formats an Atlas-style endpoint answers in (`return_type`, overridable by `Accept`). */
export type AtlasFormat = InvocationJob['responseFormat'];

/** A registry with the JSON and EJSON codecs of Atlas-style endpoints. */
export function createAtlasCodecRegistry(): CodecRegistry<AtlasFormat> {
  return new CodecRegistry<AtlasFormat>([jsonCodec, ejsonCodec]);
}
