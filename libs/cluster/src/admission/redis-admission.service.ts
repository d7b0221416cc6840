import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  clusterNames,
  type Admission,
  type AdmissionController,
  type AdmissionLimits,
  type ClusterNames,
  type Rejection,
} from '@portico/contracts';
import {
  admission,
  admissionUnavailable,
  CONCURRENCY_REJECTION,
  DEFAULT_ADMISSION_TIMEOUT_MS,
  DEFAULT_LEASE_GRACE_MS,
  effectiveLimits,
  RATE_SLACK_US,
  rateRejection,
} from './admission.constants';
import { ADMIT_SCRIPT } from './admit-script.constants';

/** Options of the Redis admission adapter. */
export interface RedisAdmissionOptions {
  /** `PORTICO_REDIS_PREFIX`: keys are `clusterNames(prefix).admissionKey(appId, 'rate' | 'inflight')`. */
  prefix: string;
  /** How long to wait for Redis before refusing the request with 503 `ServiceUnavailable`. Default 1000 ms. */
  timeoutMs?: number;
  /**
   * How long past the app's `timeout_ms` an unreleased in-flight entry keeps counting (a gateway that
   * crashed never releases). Default 5000 ms.
   */
  leaseGraceMs?: number;
}

const ADMIT_SHA = createHash('sha1').update(ADMIT_SCRIPT).digest('hex');

type ScriptAnswer = [number, number];

/**
 * Per-app admission shared by every gateway of an installation through Redis: one `EVALSHA` per
 * request (rate check, in-flight check and both increments, atomically) and one `ZREM` on release.
 *
 * In-flight requests are members of a sorted set scored by their lease expiry rather than a counter,
 * so counts leaked by a crashed gateway expire by themselves, exactly, with no reconciliation job.
 *
 * Fails CLOSED: when Redis is not connected or does not answer within `timeoutMs`, `admit` rejects with
 * a `ServiceUnavailable` `PorticoError` (503). Cluster invocations travel through the same Redis, so a
 * request admitted without it could not be run anyway; refusing at once answers fast and keeps limits
 * enforced rather than letting one app flood the platform while the counters are out of reach.
 *
 * The caller owns the `Redis` connection (create it with `enableOfflineQueue: false` so commands fail at
 * once while disconnected, and close it on shutdown).
 */
export class RedisAdmissionController implements AdmissionController {
  private readonly names: ClusterNames;
  private readonly timeoutMs: number;
  private readonly leaseGraceMs: number;
  /** Members are `<instance>:<sequence>`: unique across gateways without a UUID per request. */
  private readonly instance = randomBytes(6).toString('hex');
  private sequence = 0;

  constructor(
    private readonly redis: Redis,
    options: RedisAdmissionOptions,
  ) {
    this.names = clusterNames(options.prefix);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_ADMISSION_TIMEOUT_MS;
    this.leaseGraceMs = options.leaseGraceMs ?? DEFAULT_LEASE_GRACE_MS;
  }

  async admit(appId: string, limits: AdmissionLimits): Promise<Admission | Rejection> {
    if (this.redis.status !== 'ready') throw admissionUnavailable();
    const { rate, maxConcurrent } = effectiveLimits(limits);
    const inflightKey = this.names.admissionKey(appId, 'inflight');
    const member = `${this.instance}:${++this.sequence}`;
    const leaseMs = limits.timeout_ms + this.leaseGraceMs;
    const answer = this.run(
      [this.names.admissionKey(appId, 'rate'), inflightKey],
      [rate, maxConcurrent, member, leaseMs, RATE_SLACK_US],
    );
    const [status, waitUs] = await this.within(answer, () => {
      // Too late for this request, but the script may still have counted it: give the slot back.
      answer.then(([late]) => late === 2 && this.release(inflightKey, member)).catch(() => undefined);
    });
    if (status === 2) return admission(() => this.release(inflightKey, member));
    return status === 0 ? CONCURRENCY_REJECTION : rateRejection(waitUs);
  }

  private release(inflightKey: string, member: string): void {
    // Not awaited: the answer is already on its way. A lost release expires with the lease.
    this.redis.zrem(inflightKey, member).catch(() => undefined);
  }

  private async run(keys: string[], args: (string | number)[]): Promise<ScriptAnswer> {
    try {
      return (await this.redis.evalsha(ADMIT_SHA, keys.length, ...keys, ...args)) as ScriptAnswer;
    } catch (err) {
      // First use on this Redis (or after SCRIPT FLUSH / a restart): load the script by sending it.
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return (await this.redis.eval(ADMIT_SCRIPT, keys.length, ...keys, ...args)) as ScriptAnswer;
    }
  }

  /** The answer, or `ServiceUnavailable` when Redis fails or is slower than `timeoutMs`. */
  private within(answer: Promise<ScriptAnswer>, onTimeout: () => void): Promise<ScriptAnswer> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        onTimeout();
        reject(admissionUnavailable());
      }, this.timeoutMs);
      answer.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        () => {
          clearTimeout(timer);
          reject(admissionUnavailable());
        },
      );
    });
  }
}
