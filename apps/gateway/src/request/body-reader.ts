import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { GatewayErrors } from '../gateway-errors';

/** True when the request announces body bytes (a non-zero Content-Length, or any Transfer-Encoding). */
export function announcesBody(headers: IncomingHttpHeaders): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && length !== '0';
}

/** Throws 413 when the declared Content-Length alone is over the limit: nothing needs to be read. */
export function assertDeclaredLengthWithin(headers: IncomingHttpHeaders, limit: number): void {
  const length = headers['content-length'];
  if (length !== undefined && Number(length) > limit) throw GatewayErrors.requestTooLarge(limit);
}

/**
 * Reads the raw body bytes, any content type, never holding more than `limit` bytes: the read stops
 * and 413 is thrown as soon as the limit is passed (the reply then closes the connection instead of
 * draining the rest). Resolves null when the body turned out empty (`request.body` is undefined then).
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer<ArrayBuffer> | null> {
  return new Promise<Buffer<ArrayBuffer> | null>((resolve, reject) => {
    const chunks: Buffer<ArrayBuffer>[] = [];
    let size = 0;
    const cleanup = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    const onData = (chunk: Buffer<ArrayBuffer>): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        request.pause();
        reject(GatewayErrors.requestTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(size === 0 ? null : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onError = (): void => {
      cleanup();
      reject(GatewayErrors.bodyIncomplete());
    };
    // 'close' before 'end' means the client went away mid-body.
    const onClose = (): void => {
      if (request.readableEnded) return;
      cleanup();
      reject(GatewayErrors.bodyIncomplete());
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}
