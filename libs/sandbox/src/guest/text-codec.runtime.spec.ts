import { installTextCodecs } from './text-codec.runtime';

/** Runs the polyfill on a fresh object so Node's own globals stay the reference implementation. */
function polyfill() {
  const target: Record<string, unknown> = {};
  const codec = installTextCodecs(target);
  return {
    codec,
    TextEncoder: target.TextEncoder as typeof globalThis.TextEncoder,
    TextDecoder: target.TextDecoder as typeof globalThis.TextDecoder,
    atob: target.atob as (s: string) => string,
    btoa: target.btoa as (s: string) => string,
  };
}

/** A deterministic generator, so a failure reproduces. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

describe('installTextCodecs (guest UTF-8 and base64)', () => {
  const p = polyfill();

  it('encodes like Node, including astral characters and lone surrogates', () => {
    const samples = [
      '',
      'hello',
      'héllo wörld',
      '日本語テキスト',
      'emoji 😀 and 𝄞',
      'lone \ud800 high',
      'lone \udc00 low',
      'end \ud83d',
    ];
    for (const s of samples) {
      expect(Array.from(new p.TextEncoder().encode(s))).toEqual(Array.from(new TextEncoder().encode(s)));
    }
  });

  it('decodes valid UTF-8 like Node and round-trips random strings', () => {
    const next = random(7);
    for (let n = 0; n < 200; n++) {
      let s = '';
      const len = Math.floor(next() * 40);
      for (let i = 0; i < len; i++) s += String.fromCodePoint(Math.floor(next() * 0x10ffff));
      const bytes = new TextEncoder().encode(s);
      expect(new p.TextDecoder().decode(bytes)).toBe(new TextDecoder().decode(bytes));
    }
  });

  it('replaces ill-formed sequences exactly as Node does', () => {
    const next = random(11);
    const cases: number[][] = [
      [0xc0, 0x80],
      [0xe0, 0x80, 0x80],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf0, 0x9f, 0x98],
      [0xff],
      [0x80, 0x41],
      [0xe2, 0x82],
    ];
    for (let n = 0; n < 300; n++) {
      const len = Math.floor(next() * 12);
      cases.push(Array.from({ length: len }, () => Math.floor(next() * 256)));
    }
    for (const c of cases) {
      const bytes = Uint8Array.from(c);
      expect(new p.TextDecoder().decode(bytes)).toBe(new TextDecoder().decode(bytes));
    }
  });

  it('throws on ill-formed input when fatal, strips the BOM unless ignoreBOM', () => {
    expect(() => new p.TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.of(0xff))).toThrow(TypeError);
    const bom = Uint8Array.of(0xef, 0xbb, 0xbf, 0x41);
    expect(new p.TextDecoder().decode(bom)).toBe('A');
    expect(new p.TextDecoder('utf-8', { ignoreBOM: true }).decode(bom)).toBe('\ufeffA');
    expect(() => new p.TextDecoder('latin1')).toThrow(RangeError);
  });

  it('decodes long inputs (chunked) and views into larger buffers', () => {
    const s = 'ü'.repeat(50_000) + 'end';
    const bytes = new TextEncoder().encode(s);
    expect(p.codec.decodeUtf8(bytes)).toBe(s);
    const view = new Uint8Array(bytes.buffer, 2, 4);
    expect(new p.TextDecoder().decode(view)).toBe('üü');
  });

  it('encodeInto writes whole characters only', () => {
    const dest = new Uint8Array(4);
    expect(new p.TextEncoder().encodeInto('aé€', dest)).toEqual(
      new TextEncoder().encodeInto('aé€', new Uint8Array(4)),
    );
  });

  it('base64 matches Node for every length and alphabet position', () => {
    const next = random(3);
    for (let len = 0; len < 70; len++) {
      const bytes = Uint8Array.from({ length: len }, () => Math.floor(next() * 256));
      const b64 = Buffer.from(bytes).toString('base64');
      expect(p.codec.bytesToBase64(bytes)).toBe(b64);
      expect(Array.from(p.codec.base64ToBytes(b64))).toEqual(Array.from(bytes));
    }
    expect(p.btoa('\u00ff\u0000ab')).toBe(btoa('\u00ff\u0000ab'));
    expect(p.atob('/wBhYg==')).toBe(atob('/wBhYg=='));
    expect(p.atob(' /wBh\nYg ')).toBe(atob(' /wBh\nYg '));
    expect(() => p.btoa('€')).toThrow();
    expect(() => p.atob('a')).toThrow();
    expect(() => p.atob('a*bc')).toThrow();
  });

  it('does not replace globals that already exist', () => {
    const existing = class {};
    const target: Record<string, unknown> = { TextEncoder: existing };
    installTextCodecs(target);
    expect(target.TextEncoder).toBe(existing);
    expect(typeof target.TextDecoder).toBe('function');
  });
});
