import type { Admission, AdmissionController, AdmissionLimits, Rejection } from '@portico/contracts';
import {
  admission,
  CONCURRENCY_REJECTION,
  effectiveLimits,
  RATE_SLACK_US,
  rateRejection,
  US_PER_SECOND,
} from './admission.constants';

interface AppCounters {
  /** GCRA "theoretical arrival time" of the next request, µs on the monotonic clock. */
  tat: number;
  inflight: number;
}

/**
 * Exact per-app admission for one process (standalone mode, or a single gateway). The rate limit is
 * GCRA (the generic cell rate algorithm, as in redis-cell): `rate_per_sec` requests may arrive at once,
 * then one more every `1/rate_per_sec` s — the same algorithm the Redis adapter runs in Lua.
 * Provide it with `useFactory`/`useValue` (its constructor takes a clock, not injectables).
 */
export class InProcessAdmissionController implements AdmissionController {
  private readonly apps = new Map<string, AppCounters>();

  /** Microseconds on a monotonic clock (overridable in specs). */
  constructor(private readonly nowUs: () => number = () => performance.now() * 1000) {}

  admit(appId: string, limits: AdmissionLimits): Promise<Admission | Rejection> {
    return Promise.resolve(this.admitNow(appId, limits));
  }

  /** The number of requests of an app in flight now. */
  inflight(appId: string): number {
    return this.apps.get(appId)?.inflight ?? 0;
  }

  private admitNow(appId: string, limits: AdmissionLimits): Admission | Rejection {
    const { rate, maxConcurrent } = effectiveLimits(limits);
    let counters = this.apps.get(appId);
    if (counters === undefined) {
      counters = { tat: 0, inflight: 0 };
      this.apps.set(appId, counters);
    }
    if (counters.inflight >= maxConcurrent) return CONCURRENCY_REJECTION;
    if (rate > 0) {
      const now = this.nowUs();
      const interval = US_PER_SECOND / rate;
      const tat = Math.max(counters.tat, now);
      const wait = tat - now - (US_PER_SECOND - interval);
      if (wait > RATE_SLACK_US) return rateRejection(wait);
      counters.tat = tat + interval;
    }
    counters.inflight++;
    const admitted = counters;
    return admission(() => {
      admitted.inflight--;
      // Forget idle apps so the map holds only apps with traffic in the last second.
      if (admitted.inflight === 0 && admitted.tat <= this.nowUs()) this.apps.delete(appId);
    });
  }
}
