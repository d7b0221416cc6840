import type { Duplex } from 'node:stream';
import { encodeFrame, FrameDecoder, type Frame } from './frame.codec';

/**
 * A framed, duplex message channel over a socket. Frames sent in the same tick go out in one
 * write: under load, many invocations (or results) share one syscall.
 */
export class FrameChannel {
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private scheduled = false;
  private closed = false;
  private readonly decoder: FrameDecoder;

  constructor(
    private readonly socket: Duplex,
    onFrame: (frame: Frame) => void,
    /** Called once, when the socket closes or fails, or the stream is malformed. */
    onClose: (error?: Error) => void,
  ) {
    this.decoder = new FrameDecoder(onFrame);
    let notified = false;
    const end = (error?: Error): void => {
      this.closed = true;
      if (notified) return;
      notified = true;
      onClose(error);
    };
    socket.on('data', (chunk: Buffer) => {
      try {
        this.decoder.push(chunk);
      } catch (error) {
        this.close();
        end(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.on('error', (error: Error) => end(error));
    socket.on('close', () => end());
  }

  send(type: number, id: number, aux: number, head = '', body?: string | Uint8Array): void {
    if (this.closed) return;
    const frame = encodeFrame(type, id, aux, head, body);
    this.queue.push(frame);
    this.queuedBytes += frame.length;
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(this.flush);
    }
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const queue = this.queue;
    const bytes = this.queuedBytes;
    this.queue = [];
    this.queuedBytes = 0;
    if (this.closed || queue.length === 0) return;
    if (queue.length === 1) {
      this.socket.write(queue[0]);
    } else if (bytes <= 256 * 1024) {
      // Small frames: one copy is cheaper than a writev of many tiny buffers.
      this.socket.write(Buffer.concat(queue, bytes));
    } else {
      this.socket.cork();
      for (const frame of queue) this.socket.write(frame);
      this.socket.uncork();
    }
  };
}
