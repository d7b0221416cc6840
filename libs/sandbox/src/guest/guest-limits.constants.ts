/**
 * Per-invocation limits the guest runtime enforces that are the same for every app (issue [P3]
 * item 2). Per-app limits (`timeout_ms`, `memory_mb`, `max_response_bytes`) live in
 * `DEFAULT_LIMITS` (libs/contracts) and reach the guest through the bundle's `limits`.
 *
 * CPU time has no limit of its own: guest code runs on one thread, so its CPU time can never exceed
 * its wall time, and the pool already ends an invocation at `timeout_ms` of wall time (SIGKILL of
 * the host, the only way to stop a loop that never yields). `isolate.cpuTime` is per isolate, and
 * one isolate runs all concurrent invocations of an app with their microtasks interleaved in one
 * call, so it cannot be attributed to one invocation without giving each invocation its own isolate.
 */
export const GUEST_LIMITS = {
  /** Console lines kept per invocation; one `…truncated` line follows the last one. */
  maxLogLines: 1000,
  /** Console bytes (UTF-8) kept per invocation. */
  maxLogBytes: 1024 * 1024,
  /** Host calls (data, `context.http`) awaiting an answer at once per invocation (Atlas: 1000). */
  maxPendingCalls: 1000,
  /**
   * Largest input of one synchronous host call (`utils.crypto`, `require('crypto')`): a hash, HMAC or
   * cipher input, in bytes (a request body may be 18 MB). The host blocks while it computes, which
   * the invocation's wall time bounds like any guest work.
   */
  maxSyncDataBytes: 32 * 1024 * 1024,
  /** Largest key, secret or PEM text a synchronous host call takes. */
  maxSyncKeyBytes: 64 * 1024,
  /** Most bytes one `require('crypto').randomBytes` call returns. */
  maxRandomBytes: 64 * 1024,
} as const;

export type GuestLimits = typeof GUEST_LIMITS;

/** The line that replaces console output past the caps. */
export const LOG_TRUNCATED_LINE = '…truncated';
