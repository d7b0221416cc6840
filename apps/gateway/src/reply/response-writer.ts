import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { InvocationResponse } from '@portico/contracts';
import { GatewayErrors } from '../gateway-errors';

/**
 * Headers a function may not set: framing and connection management belong to the server (a wrong
 * Content-Length would corrupt the connection), and X-Request-Id is the platform's correlation id.
 */
const RESERVED = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
  'x-request-id',
]);

function isSendable(name: string, value: string): boolean {
  try {
    validateHeaderName(name);
    validateHeaderValue(name, value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes a function's HTTP answer: its status, every header value it set (multi-valued headers as
 * repeated fields), and its body bytes as they are — never re-parsed. A body without a Content-Type
 * gets the negotiated one (reference §7.3). Headers Node would refuse are dropped rather than failing
 * the whole response. A status outside 200–599 is the function's error (400 FunctionExecutionError).
 */
export function sendInvocationResponse(
  reply: FastifyReply,
  response: InvocationResponse,
  negotiatedMediaType: string,
): void {
  const { status, body } = response;
  if (!Number.isInteger(status) || status < 200 || status > 599)
    throw GatewayErrors.invalidResponse(`invalid status code: ${String(status)}`);
  let hasContentType = false;
  const merged = new Map<string, string[]>();
  for (const name in response.headers) {
    const lower = name.toLowerCase();
    if (RESERVED.has(lower)) continue;
    const values = response.headers[name].filter((v) => isSendable(name, v));
    if (values.length === 0) continue;
    if (lower === 'content-type') hasContentType = true;
    const existing = merged.get(lower);
    if (existing === undefined) merged.set(lower, values);
    else existing.push(...values);
  }
  for (const [name, values] of merged) reply.header(name, values.length === 1 ? values[0] : values);
  reply.code(status);
  if (body === null || body.byteLength === 0) {
    reply.send();
    return;
  }
  if (!hasContentType) reply.header('content-type', negotiatedMediaType);
  reply.send(Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}
