import type {
  InvocationFailure,
  InvocationJob,
  InvocationJobWire,
  InvocationResult,
  InvocationResultWire,
} from '@portico/contracts';

/**
 * Conversions between the in-memory invocation types (bytes as `Uint8Array`) and their JSON wire
 * forms (bytes as base64). Each crossing serializes once: BullMQ stringifies the job data, the
 * consumer stringifies the result once for PUBLISH.
 */

const toBase64 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/** The job as it is added to the queue, with the gateway instance that waits for the reply. */
export function encodeJob(job: InvocationJob, replyTo: string): InvocationJobWire {
  const body = job.request.body;
  return {
    ...job,
    request: { ...job.request, body: body === null ? null : toBase64(body) },
    replyTo,
  };
}

/** The job as the worker runs it (after `InvocationJobWireSchema` has validated the wire form). */
export function decodeJob(wire: InvocationJobWire): InvocationJob {
  const { replyTo: _replyTo, ...job } = wire;
  const body = wire.request.body;
  return {
    ...job,
    request: { ...wire.request, body: body === null ? null : Buffer.from(body, 'base64') },
  };
}

/** The result as it is published on the caller's reply channel. */
export function encodeResult(result: InvocationResult): InvocationResultWire {
  const { response, ...rest } = result;
  if (!response) return rest;
  return {
    ...rest,
    response: { ...response, body: response.body === null ? null : toBase64(response.body) },
  };
}

/** The result as the gateway hands it back to its caller. */
export function decodeResult(wire: InvocationResultWire): InvocationResult {
  const { response, error, ...rest } = wire;
  const result: InvocationResult = { ...rest };
  if (response) {
    result.response = {
      ...response,
      body: response.body === null ? null : Buffer.from(response.body, 'base64'),
    };
  }
  if (error) result.error = error;
  return result;
}

/** A platform failure as a result (no logs, not cold). */
export function failureResult(
  requestId: string,
  error: InvocationFailure,
  startedAt: number,
): InvocationResult {
  return { requestId, error, logs: [], durationMs: Date.now() - startedAt, cold: false };
}

/** The failures the transport and consumer answer on their own, with their HTTP status. */
export const PLATFORM_FAILURES = {
  deadlinePassed: {
    code: 'ExecutionTimeLimitExceeded',
    status: 504,
    message: 'execution time limit exceeded',
  },
  queueUnavailable: { code: 'ServiceUnavailable', status: 503, message: 'invocation queue unavailable' },
  invalidJob: { code: 'InternalServerError', status: 500, message: 'invalid invocation job' },
  internal: { code: 'InternalServerError', status: 500, message: 'internal server error' },
} as const satisfies Record<string, InvocationFailure>;
