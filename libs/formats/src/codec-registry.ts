import { LRUCache } from 'lru-cache';
import Negotiator from 'negotiator';
import type { Codec } from './codec';

/** Lower-case `type/subtype` of a Content-Type or Accept entry, parameters dropped. */
export function mediaTypeOf(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

// `negotiator` matches parameters exactly, so `Accept: application/json; charset=utf-8` would match no
// offered type. A charset says nothing about which format the client wants: drop it before negotiating.
const CHARSET_PARAM = /;\s*charset=[^,;]*/gi;

/**
 * Picks a codec for an `Accept` header among a fixed set of offered codecs. The fallback (e.g. the
 * endpoint's `return_type`) wins whenever the header is absent, names none of the offered types, or
 * only matches through a wildcard (`*` / `application/*`), so `curl`'s default `Accept: * / *` keeps the
 * configured format (reference §2.4). Results are cached per (fallback, header): the set of distinct
 * Accept values a deployment sees is small, and negotiation is off the per-request budget then.
 */
export class AcceptNegotiator<Name extends string> {
  private readonly cache = new LRUCache<string, Codec<Name>>({ max: 512 });

  constructor(private readonly offered: readonly Codec<Name>[]) {}

  negotiate(accept: string | undefined, fallback: Codec<Name>): Codec<Name> {
    if (accept === undefined || accept === '') return fallback;
    const key = `${fallback.name}\n${accept}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const chosen = this.choose(accept.replace(CHARSET_PARAM, ''), fallback);
    this.cache.set(key, chosen);
    return chosen;
  }

  private choose(accept: string, fallback: Codec<Name>): Codec<Name> {
    // Listing the fallback first makes it win every tie, which is what a wildcard produces.
    const ordered = [fallback, ...this.offered.filter((c) => c !== fallback)];
    const type = new Negotiator({ headers: { accept } }).mediaType(ordered.map((c) => c.mediaType));
    return ordered.find((c) => c.mediaType === type) ?? fallback;
  }
}

/**
 * The codecs a service knows, by name and by media type. New formats register here and become
 * negotiable without touching the callers.
 */
export class CodecRegistry<Name extends string = string> {
  private readonly byName = new Map<Name, Codec<Name>>();
  private readonly byMediaType = new Map<string, Codec<Name>>();

  constructor(codecs: Iterable<Codec<Name>> = []) {
    for (const codec of codecs) this.register(codec);
  }

  /** Adds a codec. Names and media types are unique: registering either twice is a programming error. */
  register(codec: Codec<Name>): this {
    if (this.byName.has(codec.name)) throw new Error(`codec ${codec.name} is already registered`);
    if (this.byMediaType.has(codec.mediaType))
      throw new Error(`a codec for ${codec.mediaType} is already registered`);
    this.byName.set(codec.name, codec);
    this.byMediaType.set(codec.mediaType, codec);
    return this;
  }

  /** The codec registered under `name`; throws when there is none (names come from validated config). */
  get(name: Name): Codec<Name> {
    const codec = this.byName.get(name);
    if (codec === undefined) throw new Error(`no codec named ${name}`);
    return codec;
  }

  /** The codec for a Content-Type value (parameters and case ignored), if any. */
  forContentType(contentType: string): Codec<Name> | undefined {
    return this.byMediaType.get(mediaTypeOf(contentType));
  }

  /** A negotiator choosing among the named codecs (all registered codecs when omitted). */
  negotiator(names?: readonly Name[]): AcceptNegotiator<Name> {
    return new AcceptNegotiator(names ? names.map((n) => this.get(n)) : [...this.byName.values()]);
  }
}
