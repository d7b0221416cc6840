import type { AppLimits } from './limits';

/**
 * The limits admission looks at: rate, concurrency, and the timeout that bounds an in-flight lease.
 * An absent admission limit means its default (`DEFAULT_LIMITS`).
 */
export type AdmissionLimits = Pick<AppLimits, 'rate_per_sec' | 'max_concurrent' | 'timeout_ms'>;

/** A request let in. `release()` must be called once it has been answered (extra calls are ignored). */
export interface Admission {
  readonly admitted: true;
  release(): void;
}

/** A request turned away: answer 429 `TooManyRequests` with `Retry-After: <retryAfterSeconds>`. */
export interface Rejection {
  readonly admitted: false;
  /** Which limit was reached. */
  readonly limit: 'rate_per_sec' | 'max_concurrent';
  /** Whole seconds (at least 1) after which a retry may be admitted. */
  readonly retryAfterSeconds: number;
}

/**
 * Per-app admission at the gateway (DESIGN "gateway": rate and concurrency limits). Standalone counts
 * in memory; cluster mode shares the counts across gateway replicas through Redis. `admit` rejects
 * (with a `PorticoError` `ServiceUnavailable`) only when the counts cannot be reached in time.
 */
export interface AdmissionController {
  admit(appId: string, limits: AdmissionLimits): Promise<Admission | Rejection>;
}
export const ADMISSION_CONTROLLER = Symbol('AdmissionController');
