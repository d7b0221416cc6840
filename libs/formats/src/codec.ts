/**
 * One wire format: how a value becomes bytes and back, and the media type it is negotiated by.
 * `name` is the format's stable name in configuration (e.g. an endpoint's `return_type`: `JSON`).
 * CSV, YAML, XML, multipart and octet-stream codecs implement the same interface.
 */
export interface Codec<Name extends string = string> {
  readonly name: Name;
  /** Lower-case `type/subtype` without parameters, e.g. `application/json`. */
  readonly mediaType: string;
  encode(value: unknown): Buffer;
  decode(bytes: Uint8Array): unknown;
}
