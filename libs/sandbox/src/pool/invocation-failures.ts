import type { InvocationFailure } from '@portico/contracts';

/**
 * The failures the pool itself answers. Tenant-caused ones carry no status (the gateway answers 400,
 * reference §7.1); the platform's own carry 503/504.
 */
export const InvocationFailures = {
  timeLimit: (): InvocationFailure => ({
    code: 'ExecutionTimeLimitExceeded',
    message: 'execution time limit exceeded',
  }),
  cpuLimit: (): InvocationFailure => ({
    code: 'ExecutionTimeLimitExceeded',
    message: 'execution CPU time limit exceeded',
  }),
  memoryLimit: (): InvocationFailure => ({ code: 'MemoryLimitExceeded', message: 'memory limit exceeded' }),
  responseTooLarge: (limit: number): InvocationFailure => ({
    code: 'ResponseTooLarge',
    message: `response body is larger than ${limit} bytes`,
  }),
  hostRestarted: (): InvocationFailure => ({
    code: 'InternalServerError',
    message: 'sandbox host restarted',
    status: 503,
  }),
  deadlinePassed: (): InvocationFailure => ({
    code: 'ExecutionTimeLimitExceeded',
    message: 'no sandbox host became available before the deadline',
    status: 504,
  }),
  poolClosed: (): InvocationFailure => ({
    code: 'ServiceUnavailable',
    message: 'sandbox pool is closed',
    status: 503,
  }),
  internal: (message: string): InvocationFailure => ({ code: 'InternalServerError', message, status: 500 }),
};
