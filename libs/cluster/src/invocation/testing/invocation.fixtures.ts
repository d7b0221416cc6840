import { randomBytes } from 'node:crypto';
import type { InvocationJob, InvocationResult } from '@portico/contracts';
import type { InvocationLogger } from '../redis-connections';

export {
  SHARED_REDIS_URL,
  uniquePrefix,
  deleteKeys,
  countKeys,
  sleep,
  waitFor,
  freePort,
  PrivateRedis,
} from '../../testing/redis.fixtures';

/** A logger that keeps its lines for assertions instead of printing them. */
export function memoryLogger(): InvocationLogger & { lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  return {
    lines,
    info: (_obj, msg) => lines.push({ level: 'info', msg }),
    warn: (_obj, msg) => lines.push({ level: 'warn', msg }),
    error: (_obj, msg) => lines.push({ level: 'error', msg }),
  };
}

let seq = 0;
/** A valid invocation job; `deadlineInMs` from now (default 5 s). */
export function makeJob(overrides: Partial<InvocationJob> = {}, deadlineInMs = 5_000): InvocationJob {
  seq += 1;
  return {
    requestId: `req-${process.pid}-${seq}-${randomBytes(4).toString('hex')}`,
    appId: 'app-abcde',
    version: 1,
    functionName: 'echo',
    deadline: Date.now() + deadlineInMs,
    request: {
      method: 'POST',
      route: '/echo',
      headers: { 'Content-Type': ['application/octet-stream'], 'X-Multi': ['a', 'b'] },
      query: { q: '1' },
      rawQueryString: 'q=1',
      remoteIPAddress: '127.0.0.1',
      body: new Uint8Array([0, 1, 2, 250, 255, 10]),
    },
    endpoint: { route: '/echo', httpMethod: 'POST', respondResult: true },
    responseFormat: 'JSON',
    user: { id: 'u1', type: 'server', data: {}, custom_data: {}, identities: [] },
    runAsSystem: true,
    ...overrides,
  };
}

/** A result that echoes the request: its body bytes, and its headers as a JSON header. */
export function echoResult(job: InvocationJob, worker = 'local'): InvocationResult {
  return {
    requestId: job.requestId,
    response: {
      status: 200,
      headers: { 'X-Worker': [worker], 'X-Request-Headers': [JSON.stringify(job.request.headers)] },
      body: job.request.body,
    },
    logs: [`log: ${job.functionName}`],
    durationMs: 1,
    cold: false,
  };
}

/** {@link echoResult} as an `invoke` answer. */
export const echoAsync = (job: InvocationJob, worker?: string): Promise<InvocationResult> =>
  Promise.resolve(echoResult(job, worker));

/** Resolves after `ms`. */
