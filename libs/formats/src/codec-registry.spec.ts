import type { Codec } from './codec';
import { CodecRegistry, mediaTypeOf } from './codec-registry';
import { createAtlasCodecRegistry } from './atlas-codecs';
import { jsonCodec } from './json.codec';

describe('CodecRegistry', () => {
  const registry = createAtlasCodecRegistry();
  const json = registry.get('JSON');
  const ejson = registry.get('EJSON');
  const negotiator = registry.negotiator(['JSON', 'EJSON']);

  describe('negotiation (reference §2.4)', () => {
    it.each([
      ['application/json', ejson, 'JSON'],
      ['application/ejson', json, 'EJSON'],
      ['APPLICATION/EJSON', json, 'EJSON'],
      ['application/json; charset=utf-8', ejson, 'JSON'],
      ['text/html, application/ejson;q=0.9', json, 'EJSON'],
      ['application/ejson;q=0.5, application/json', ejson, 'JSON'],
      ['application/json, application/ejson', ejson, 'JSON'],
    ])('Accept %s overrides the return type', (accept, fallback, expected) => {
      expect(negotiator.negotiate(accept, fallback).name).toBe(expected);
    });

    it.each([undefined, '', '*/*', 'application/*', 'text/csv', 'garbage;;;', 'application/json;q=0'])(
      'Accept %p keeps the configured return type',
      (accept) => {
        expect(negotiator.negotiate(accept, ejson).name).toBe('EJSON');
        expect(negotiator.negotiate(accept, json).name).toBe('JSON');
      },
    );

    it('answers the same for a cached header', () => {
      expect(negotiator.negotiate('application/ejson', json)).toBe(ejson);
      expect(negotiator.negotiate('application/ejson', json)).toBe(ejson);
      expect(negotiator.negotiate('*/*', json)).toBe(json);
      expect(negotiator.negotiate('*/*', ejson)).toBe(ejson);
    });
  });

  it('finds codecs by Content-Type, ignoring parameters and case', () => {
    expect(registry.forContentType('Application/JSON; charset=utf-8')).toBe(json);
    expect(registry.forContentType('application/ejson')).toBe(ejson);
    expect(registry.forContentType('text/csv')).toBeUndefined();
    expect(mediaTypeOf(' Text/CSV ;header=present')).toBe('text/csv');
  });

  it('refuses duplicate names and media types, and unknown names', () => {
    const other: Codec<'JSON'> = { ...jsonCodec, mediaType: 'application/x-other' };
    expect(() => new CodecRegistry([jsonCodec, other])).toThrow(/already registered/);
    expect(() => new CodecRegistry<string>([jsonCodec, { ...jsonCodec, name: 'JSON2' }])).toThrow(
      /already registered/,
    );
    expect(() => new CodecRegistry<string>([jsonCodec]).get('CSV')).toThrow(/no codec named CSV/);
  });

  it('lets a new codec slot in and be negotiated', () => {
    const csv: Codec<string> = {
      name: 'CSV',
      mediaType: 'text/csv',
      encode: (v) => Buffer.from(String(v)),
      decode: (b) => Buffer.from(b).toString(),
    };
    const extended = new CodecRegistry<string>([json, ejson]).register(csv);
    expect(extended.negotiator().negotiate('text/csv', json).name).toBe('CSV');
    expect(extended.negotiator(['JSON', 'EJSON']).negotiate('text/csv', json).name).toBe('JSON');
  });
});
