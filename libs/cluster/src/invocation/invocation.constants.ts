import type { JobsOptions, WorkerOptions } from 'bullmq';

/**
 * Queue defaults of the invocation queue, decided in one place (CONVENTIONS 10). Producer
 * (`BullInvocationTransport`) and consumer (`InvocationConsumer`) both read them.
 */

/**
 * Per-job options. Synchronous invocations run at most once (`attempts: 1`, no backoff), and a
 * finished job is deleted at once: the result travels on the reply channel, not in the job hash,
 * so keeping jobs would only make Redis grow.
 */
export const INVOCATION_JOB_OPTIONS: Readonly<JobsOptions> = Object.freeze({
  attempts: 1,
  removeOnComplete: true,
  removeOnFail: true,
});

/** Default pool of an app when the registry names none (`PORTICO_WORKER_POOL` default). */
export const DEFAULT_WORKER_POOL = 'default';

/** Concurrent jobs per consumer: tenant functions are mostly async I/O, so one process runs many. */
export const DEFAULT_CONSUMER_CONCURRENCY = 64;

/**
 * Worker options besides connection and concurrency. `maxStalledCount: 0`: a job whose worker died
 * (lock expired) is failed, never run again — its caller is answered by its own deadline timer.
 */
export const INVOCATION_WORKER_OPTIONS: Readonly<
  Pick<
    WorkerOptions,
    'maxStalledCount' | 'lockDuration' | 'stalledInterval' | 'removeOnComplete' | 'removeOnFail'
  >
> = Object.freeze({
  maxStalledCount: 0,
  lockDuration: 30_000,
  stalledInterval: 30_000,
  removeOnComplete: { count: 0 },
  removeOnFail: { count: 0 },
});

/**
 * How long the gateway waits for Redis to accept a job before answering 503 (issue [P2] item 7:
 * "503 within 5 s instead of waiting"). Also the producer connection's connect and command timeout.
 */
export const PRODUCER_TIMEOUT_MS = 2_000;

/** Reconnect backoff of every Redis connection: doubles from 50 ms, capped so recovery is quick. */
export const reconnectDelayMs = (attempt: number): number => Math.min(50 * 2 ** attempt, 1_000);

/** Readiness probes give Redis this long to answer PING. */
export const PING_TIMEOUT_MS = 1_000;
