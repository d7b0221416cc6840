/**
 * The web text APIs V8 alone does not have: `TextEncoder`, `TextDecoder` (UTF-8 only), `atob`, `btoa`.
 * bson's browser build needs them (strings in BSON, `Binary.toString('base64')`, `EJSON` of binaries),
 * and `request.body.text()` is UTF-8 decoding.
 *
 * GUEST CODE: this function is serialized with `Function.prototype.toString` and evaluated inside the
 * isolate, so it must reference nothing outside its own body (no imports, no module constants).
 * It returns the codec and installs the four globals on `target` unless they already exist.
 */
export function installTextCodecs(target: Record<string, unknown>): GuestTextCodec {
  const REPLACEMENT = 0xfffd;
  const CHUNK = 0x2000;
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const B64_INDEX = new Int16Array(128).fill(-1);
  for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

  /** WHATWG UTF-8 encode: lone surrogates become U+FFFD. */
  function encodeUtf8(input: string): Uint8Array {
    const length = input.length;
    // Worst case is 3 bytes per UTF-16 unit (a pair is 4 bytes for 2 units).
    const out = new Uint8Array(length * 3);
    let at = 0;
    for (let i = 0; i < length; i++) {
      let code = input.charCodeAt(i);
      if (code < 0x80) {
        out[at++] = code;
        continue;
      }
      if (code >= 0xd800 && code <= 0xdfff) {
        const next = i + 1 < length ? input.charCodeAt(i + 1) : 0;
        if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
          i++;
        } else {
          code = REPLACEMENT;
        }
      }
      if (code < 0x800) {
        out[at++] = 0xc0 | (code >> 6);
        out[at++] = 0x80 | (code & 0x3f);
      } else if (code < 0x10000) {
        out[at++] = 0xe0 | (code >> 12);
        out[at++] = 0x80 | ((code >> 6) & 0x3f);
        out[at++] = 0x80 | (code & 0x3f);
      } else {
        out[at++] = 0xf0 | (code >> 18);
        out[at++] = 0x80 | ((code >> 12) & 0x3f);
        out[at++] = 0x80 | ((code >> 6) & 0x3f);
        out[at++] = 0x80 | (code & 0x3f);
      }
    }
    return out.slice(0, at);
  }

  function flush(units: number[], parts: string[]): void {
    parts.push(String.fromCharCode.apply(null, units));
    units.length = 0;
  }

  /**
   * WHATWG UTF-8 decode: each maximal ill-formed subsequence becomes one U+FFFD (or throws when
   * `fatal`), exactly as Node's and browsers' `TextDecoder` do.
   */
  function decodeUtf8(bytes: Uint8Array, fatal: boolean, ignoreBOM: boolean): string {
    const end = bytes.length;
    let i = 0;
    if (!ignoreBOM && end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
    const parts: string[] = [];
    const units: number[] = [];
    const bad = (): void => {
      if (fatal) throw new TypeError('The encoded data was not valid for encoding utf-8');
      units.push(REPLACEMENT);
    };
    while (i < end) {
      if (units.length >= CHUNK) flush(units, parts);
      const b0 = bytes[i];
      if (b0 < 0x80) {
        units.push(b0);
        i++;
        continue;
      }
      let need: number;
      let code: number;
      let lower = 0x80;
      let upper = 0xbf;
      if (b0 >= 0xc2 && b0 <= 0xdf) {
        need = 1;
        code = b0 & 0x1f;
      } else if (b0 >= 0xe0 && b0 <= 0xef) {
        need = 2;
        code = b0 & 0x0f;
        if (b0 === 0xe0) lower = 0xa0;
        if (b0 === 0xed) upper = 0x9f;
      } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        need = 3;
        code = b0 & 0x07;
        if (b0 === 0xf0) lower = 0x90;
        if (b0 === 0xf4) upper = 0x8f;
      } else {
        bad();
        i++;
        continue;
      }
      let j = i + 1;
      let ok = true;
      for (let k = 0; k < need; k++, j++) {
        const b = j < end ? bytes[j] : -1;
        if (b < lower || b > upper) {
          ok = false;
          break;
        }
        lower = 0x80;
        upper = 0xbf;
        code = (code << 6) | (b & 0x3f);
      }
      if (!ok) {
        // The valid prefix (lead byte plus continuation bytes so far) is one ill-formed subsequence.
        bad();
        i = j;
        continue;
      }
      if (code >= 0x10000) {
        code -= 0x10000;
        units.push(0xd800 + (code >> 10), 0xdc00 + (code & 0x3ff));
      } else {
        units.push(code);
      }
      i = j;
    }
    flush(units, parts);
    return parts.length === 1 ? parts[0] : parts.join('');
  }

  function toBytes(input: unknown): Uint8Array {
    if (input === undefined) return new Uint8Array(0);
    if (input instanceof Uint8Array) return input;
    if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    if (input instanceof ArrayBuffer) return new Uint8Array(input);
    throw new TypeError('The "input" argument must be an ArrayBuffer or ArrayBufferView');
  }

  function bytesToBase64(bytes: Uint8Array): string {
    const parts: string[] = [];
    let chunk = '';
    const full = bytes.length - (bytes.length % 3);
    for (let i = 0; i < full; i += 3) {
      const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
      chunk += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
      if (chunk.length >= CHUNK) {
        parts.push(chunk);
        chunk = '';
      }
    }
    const rest = bytes.length - full;
    if (rest === 1) {
      const n = bytes[full] << 16;
      chunk += B64[n >> 18] + B64[(n >> 12) & 63] + '==';
    } else if (rest === 2) {
      const n = (bytes[full] << 16) | (bytes[full + 1] << 8);
      chunk += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + '=';
    }
    parts.push(chunk);
    return parts.join('');
  }

  /** Forgiving-base64 decode (WHATWG): ASCII whitespace ignored, padding optional, else throws. */
  function base64ToBytes(input: string): Uint8Array {
    const clean = String(input).replace(/[\t\n\f\r ]+/g, '');
    let s = clean;
    if (s.length % 4 === 0 && s.endsWith('==')) s = s.slice(0, -2);
    else if (s.length % 4 === 0 && s.endsWith('=')) s = s.slice(0, -1);
    if (s.length % 4 === 1) throw new Error('The string to be decoded is not correctly encoded.');
    const out = new Uint8Array(Math.floor((s.length * 3) / 4));
    let at = 0;
    let acc = 0;
    let bits = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      const v = c < 128 ? B64_INDEX[c] : -1;
      if (v < 0) throw new Error('The string to be decoded is not correctly encoded.');
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[at++] = (acc >> bits) & 0xff;
      }
    }
    return out;
  }

  function latin1(bytes: Uint8Array): string {
    const parts: string[] = [];
    for (let i = 0; i < bytes.length; i += CHUNK) {
      parts.push(String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + CHUNK))));
    }
    return parts.join('');
  }

  class TextEncoderPolyfill {
    get encoding(): string {
      return 'utf-8';
    }
    encode(input: unknown = ''): Uint8Array {
      return encodeUtf8(String(input));
    }
    encodeInto(input: string, dest: Uint8Array): { read: number; written: number } {
      // Whole code points only: stop before a character that would not fit.
      const bytes = encodeUtf8(String(input));
      let written = Math.min(bytes.length, dest.length);
      while (written > 0 && written < bytes.length && (bytes[written] & 0xc0) === 0x80) written--;
      dest.set(bytes.subarray(0, written));
      const read = decodeUtf8(bytes.subarray(0, written), false, true).length;
      return { read, written };
    }
  }

  class TextDecoderPolyfill {
    readonly fatal: boolean;
    readonly ignoreBOM: boolean;
    constructor(label = 'utf-8', options: { fatal?: boolean; ignoreBOM?: boolean } = {}) {
      const name = String(label).trim().toLowerCase();
      if (name !== 'utf-8' && name !== 'utf8' && name !== 'unicode-1-1-utf-8') {
        throw new RangeError(`The "${String(label)}" encoding is not supported`);
      }
      this.fatal = Boolean(options.fatal);
      this.ignoreBOM = Boolean(options.ignoreBOM);
    }
    get encoding(): string {
      return 'utf-8';
    }
    decode(input?: unknown): string {
      return decodeUtf8(toBytes(input), this.fatal, this.ignoreBOM);
    }
  }

  const codec: GuestTextCodec = {
    encodeUtf8,
    decodeUtf8: (bytes: Uint8Array) => decodeUtf8(bytes, false, true),
    bytesToBase64,
    base64ToBytes,
  };
  const define = (name: string, value: unknown): void => {
    if (target[name] === undefined) {
      Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
    }
  };
  define('TextEncoder', TextEncoderPolyfill);
  define('TextDecoder', TextDecoderPolyfill);
  define('btoa', (data: unknown) => {
    const s = String(data);
    const bytes = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) throw new Error('Invalid character');
      bytes[i] = c;
    }
    return bytesToBase64(bytes);
  });
  define('atob', (data: unknown) => latin1(base64ToBytes(String(data))));
  return codec;
}

/** What the guest runtime uses directly (faster than going through the globals). */
export interface GuestTextCodec {
  encodeUtf8(input: string): Uint8Array;
  /** Non-fatal, BOM kept: what `Binary.text()` means. */
  decodeUtf8(bytes: Uint8Array): string;
  bytesToBase64(bytes: Uint8Array): string;
  base64ToBytes(input: string): Uint8Array;
}
