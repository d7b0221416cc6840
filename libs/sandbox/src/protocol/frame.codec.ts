import { FRAME_HEADER_BYTES, MAX_FRAME_BYTES } from './frame.constants';

/** One decoded frame. `body` is a view into the received bytes (no copy). */
export interface Frame {
  type: number;
  id: number;
  aux: number;
  head: string;
  body: Buffer;
}

/**
 * Encodes one frame: a fixed 17-byte header, a UTF-8 head (small JSON or text) and raw body bytes.
 * A string body is written as UTF-8 straight into the frame, so a guest's JSON result never goes
 * through an intermediate byte array, and bytes are never base64'd.
 */
export function encodeFrame(
  type: number,
  id: number,
  aux: number,
  head: string,
  body?: string | Uint8Array,
): Buffer {
  const headBytes = head.length === 0 ? 0 : Buffer.byteLength(head, 'utf8');
  const bodyBytes =
    body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
  const total = FRAME_HEADER_BYTES + headBytes + bodyBytes;
  const frame = Buffer.allocUnsafe(total);
  frame.writeUInt32LE(total - 4, 0);
  frame[4] = type;
  frame.writeUInt32LE(id >>> 0, 5);
  frame.writeUInt32LE(aux >>> 0, 9);
  frame.writeUInt32LE(headBytes, 13);
  if (headBytes > 0) frame.write(head, FRAME_HEADER_BYTES, headBytes, 'utf8');
  if (bodyBytes > 0) {
    const at = FRAME_HEADER_BYTES + headBytes;
    if (typeof body === 'string') frame.write(body, at, bodyBytes, 'utf8');
    else frame.set(body!, at);
  }
  return frame;
}

/**
 * Splits a byte stream into frames. Whole frames inside one chunk are decoded in place; a frame
 * split across chunks is joined once, when its last byte has arrived (never re-joined per chunk).
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes needed before the buffered chunks can yield progress. */
  private needed = 0;

  constructor(private readonly onFrame: (frame: Frame) => void) {}

  /** Feeds bytes; calls `onFrame` for each complete frame. Throws on a malformed stream. */
  push(chunk: Buffer): void {
    let data = chunk;
    if (this.buffered > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      if (this.buffered < this.needed) return;
      data = Buffer.concat(this.chunks, this.buffered);
      this.chunks = [];
      this.buffered = 0;
    }
    let at = 0;
    while (data.length - at >= 4) {
      const length = data.readUInt32LE(at);
      if (length < FRAME_HEADER_BYTES - 4 || length > MAX_FRAME_BYTES)
        throw new Error(`invalid frame length ${length}`);
      const end = at + 4 + length;
      if (end > data.length) break;
      const headBytes = data.readUInt32LE(at + 13);
      const headStart = at + FRAME_HEADER_BYTES;
      const bodyStart = headStart + headBytes;
      if (bodyStart > end) throw new Error(`invalid frame head length ${headBytes}`);
      const frame: Frame = {
        type: data[at + 4],
        id: data.readUInt32LE(at + 5),
        aux: data.readUInt32LE(at + 9),
        head: headBytes === 0 ? '' : data.toString('utf8', headStart, bodyStart),
        body: data.subarray(bodyStart, end),
      };
      at = end;
      this.onFrame(frame);
    }
    if (at < data.length) {
      const rest = data.subarray(at);
      this.chunks = [rest];
      this.buffered = rest.length;
      this.needed = rest.length >= 4 ? 4 + rest.readUInt32LE(0) : 4;
    }
  }
}
