import {
  DEFAULT_LIMITS,
  ErrorCode,
  PorticoError,
  type Admission,
  type AdmissionLimits,
  type Rejection,
} from '@portico/contracts';

/** Microseconds per second: the rate limiter's clock unit. */
export const US_PER_SECOND = 1_000_000;

/**
 * Slack in rate comparisons (µs). The emission interval of a rate that does not divide a second is not
 * exact in floating point; without slack the last request of a full burst could be refused by a rounding.
 */
export const RATE_SLACK_US = 1;

/** How long past its timeout an in-flight entry whose release never came is still counted (Redis). */
export const DEFAULT_LEASE_GRACE_MS = 5_000;

/** How long the Redis adapter waits for an answer before the request is refused with 503. */
export const DEFAULT_ADMISSION_TIMEOUT_MS = 1_000;

/** A rejection by the concurrency limit: in-flight requests end at unknown times, so retry in 1 s. */
export const CONCURRENCY_REJECTION: Rejection = Object.freeze({
  admitted: false,
  limit: 'max_concurrent',
  retryAfterSeconds: 1,
});

/** A rejection by the rate limit, retryable after `waitUs` microseconds (rounded up to whole seconds). */
export const rateRejection = (waitUs: number): Rejection => ({
  admitted: false,
  limit: 'rate_per_sec',
  retryAfterSeconds: Math.max(1, Math.ceil(waitUs / US_PER_SECOND)),
});

/** An admission whose `release` runs `onRelease` once, however often it is called. */
export function admission(onRelease: () => void): Admission {
  let released = false;
  return {
    admitted: true,
    release() {
      if (released) return;
      released = true;
      onRelease();
    },
  };
}

/** The limits with the defaults of any the snapshot lacks; `0` stands for "no rate limit". */
export function effectiveLimits(limits: AdmissionLimits): { rate: number; maxConcurrent: number } {
  const rate = limits.rate_per_sec === undefined ? DEFAULT_LIMITS.rate_per_sec : limits.rate_per_sec;
  return { rate: rate ?? 0, maxConcurrent: limits.max_concurrent ?? DEFAULT_LIMITS.max_concurrent };
}

/** The answer when the shared counters cannot be reached in time (the adapters fail closed). */
export const admissionUnavailable = (): PorticoError =>
  new PorticoError(ErrorCode.ServiceUnavailable, 'service temporarily unavailable, retry later', 503, {
    retryAfterSeconds: 1,
  });
