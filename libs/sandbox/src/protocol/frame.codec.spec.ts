import { FRAME_HEADER_BYTES } from './frame.constants';
import { encodeFrame, FrameDecoder, type Frame } from './frame.codec';

function decodeAll(chunks: Buffer[]): Frame[] {
  const frames: Frame[] = [];
  const decoder = new FrameDecoder((f) => frames.push({ ...f, body: Buffer.from(f.body) }));
  for (const c of chunks) decoder.push(c);
  return frames;
}

describe('frame codec', () => {
  it('round-trips type, id, aux, a UTF-8 head and a string or byte body', () => {
    const a = encodeFrame(5, 0xfffffffe, 42, '{"x":"é"}', Uint8Array.of(0, 255, 7));
    const b = encodeFrame(8, 1, 0, '', 'ünïcode body');
    const c = encodeFrame(3, 2, 9, '');
    const frames = decodeAll([Buffer.concat([a, b, c])]);
    expect(frames.map((f) => [f.type, f.id, f.aux, f.head])).toEqual([
      [5, 0xfffffffe, 42, '{"x":"é"}'],
      [8, 1, 0, ''],
      [3, 2, 9, ''],
    ]);
    expect([...frames[0].body]).toEqual([0, 255, 7]);
    expect(frames[1].body.toString('utf8')).toBe('ünïcode body');
    expect(frames[2].body.length).toBe(0);
    expect(c.length).toBe(FRAME_HEADER_BYTES);
  });

  it('reassembles frames split at every byte boundary', () => {
    const stream = Buffer.concat([
      encodeFrame(5, 7, 1, 'head', 'body-1'),
      encodeFrame(6, 8, 2, 'h2', Buffer.alloc(300, 1)),
    ]);
    for (let cut = 1; cut < stream.length; cut++) {
      const frames = decodeAll([stream.subarray(0, cut), stream.subarray(cut)]);
      expect(frames.map((f) => [f.id, f.head, f.body.length])).toEqual([
        [7, 'head', 6],
        [8, 'h2', 300],
      ]);
    }
    const bytewise = decodeAll([...stream].map((b) => Buffer.of(b)));
    expect(bytewise).toHaveLength(2);
  });

  it('decodes whole frames without copying the body', () => {
    const chunk = encodeFrame(8, 1, 0, 'h', 'abc');
    let body: Buffer | undefined;
    new FrameDecoder((f) => (body = f.body)).push(chunk);
    expect(body!.buffer).toBe(chunk.buffer);
  });

  it('rejects a malformed stream', () => {
    const bad = Buffer.alloc(8);
    bad.writeUInt32LE(3, 0);
    expect(() => new FrameDecoder(() => undefined).push(bad)).toThrow(/invalid frame length/);
    const badHead = encodeFrame(5, 1, 1, 'abc');
    badHead.writeUInt32LE(1000, 13);
    expect(() => new FrameDecoder(() => undefined).push(badHead)).toThrow(/invalid frame head length/);
  });
});
