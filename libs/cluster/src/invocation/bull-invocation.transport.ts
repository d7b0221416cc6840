import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  clusterNames,
  INVOCATION_JOB_NAME,
  InvocationResultWireSchema,
  type ClusterNames,
  type InvocationFailure,
  type InvocationJob,
  type InvocationResult,
  type InvocationTransport,
} from '@portico/contracts';
import { DEFAULT_WORKER_POOL, INVOCATION_JOB_OPTIONS, PRODUCER_TIMEOUT_MS } from './invocation.constants';
import { decodeResult, encodeJob, failureResult, PLATFORM_FAILURES } from './invocation-wire.codec';
import {
  answersPing,
  closeConnection,
  openConnection,
  untilReady,
  type InvocationLogger,
} from './redis-connections';

/** Options of {@link BullInvocationTransport}. */
export interface BullInvocationTransportOptions {
  /** `REDIS_URL`. */
  redisUrl: string;
  /** `PORTICO_REDIS_PREFIX`: every key, queue and channel starts with it. */
  prefix: string;
  /** This gateway instance: workers publish its results on `replyChannel(gatewayId)`. Unique per process. */
  gatewayId: string;
  logger: InvocationLogger;
  /** The worker pool of an app when `invoke` is given none. Default: every app in `'default'`. */
  poolOf?: (appId: string) => string;
}

/** One invocation waiting for its reply. */
interface PendingCall {
  resolve(result: InvocationResult): void;
  timer: NodeJS.Timeout;
  startedAt: number;
  /** True until Redis has accepted the job; a timer firing then means "queue unavailable". */
  adding: boolean;
  /** Answered 503 while Redis had not yet accepted the job: if it does later, take the job back. */
  abandoned: boolean;
}

/**
 * Cluster mode's `InvocationTransport` (gateway side, DESIGN (2), (4)). Adds each job to its pool's
 * BullMQ queue with `jobId = requestId` and waits for the worker's result on this gateway's own
 * reply channel — not QueueEvents / `waitUntilFinished`, which hang and lose events under load
 * (bullmq #2749, #1270). Never rejects and never hangs:
 * - Redis unreachable or `add` slower than `PRODUCER_TIMEOUT_MS` → 503 `ServiceUnavailable`;
 * - no reply by `job.deadline` → 504 `ExecutionTimeLimitExceeded`;
 * - `close()` → 503 for every call still waiting.
 * Connections reconnect with backoff by themselves; nothing needs recreating after an outage.
 */
export class BullInvocationTransport implements InvocationTransport {
  private readonly names: ClusterNames;
  private readonly gatewayId: string;
  private readonly logger: InvocationLogger;
  private readonly poolOf: (appId: string) => string;
  private readonly producer: Redis;
  private readonly subscriber: Redis;
  private readonly queues = new Map<string, Queue>();
  private readonly pending = new Map<string, PendingCall>();
  private readonly subscribed: Promise<void>;
  private isSubscribed = false;
  private closed = false;

  constructor(options: BullInvocationTransportOptions) {
    this.names = clusterNames(options.prefix);
    this.gatewayId = options.gatewayId;
    this.logger = options.logger;
    this.poolOf = options.poolOf ?? (() => DEFAULT_WORKER_POOL);
    const label = `${options.prefix}:gateway:${options.gatewayId}`;
    this.producer = openConnection(options.redisUrl, 'producer', `${label}:producer`, options.logger);
    this.subscriber = openConnection(options.redisUrl, 'subscriber', `${label}:replies`, options.logger);
    this.subscriber.on('message', (_channel: string, message: string) => this.onReply(message));
    this.subscribed = this.subscriber.subscribe(this.names.replyChannel(options.gatewayId)).then(
      () => {
        this.isSubscribed = true;
      },
      (err: unknown) => {
        // Only when closed before the first SUBSCRIBE went through; calls are answered 503 by close().
        if (!this.closed) this.logger.error({ err }, 'reply channel subscription failed');
      },
    );
  }

  /** Resolves once the reply channel is subscribed and the producer connection is up (readiness). */
  async ready(): Promise<void> {
    await this.subscribed;
    await untilReady(this.producer);
  }

  /** True when Redis answers on the producer connection and the reply channel is subscribed. */
  async isHealthy(): Promise<boolean> {
    return this.isSubscribed && this.subscriber.status === 'ready' && (await answersPing(this.producer));
  }

  /** Calls currently waiting for a reply. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Runs `job` on a worker of `pool` (default: `job.pool`, else `poolOf(job.appId)`). Resolves with the worker's
   * result or with a platform failure (503 / 504); never rejects.
   */
  invoke(job: InvocationJob, pool?: string): Promise<InvocationResult> {
    const startedAt = Date.now();
    const { requestId } = job;
    if (this.closed) return this.failNow(requestId, PLATFORM_FAILURES.queueUnavailable, startedAt);
    if (startedAt >= job.deadline)
      return this.failNow(requestId, PLATFORM_FAILURES.deadlinePassed, startedAt);
    if (this.pending.has(requestId)) {
      // The same jobId would be deduplicated by BullMQ and one reply could not answer two callers.
      return this.failNow(
        requestId,
        { ...PLATFORM_FAILURES.internal, message: 'duplicate request id' },
        startedAt,
      );
    }
    return new Promise<InvocationResult>((resolve) => {
      const call: PendingCall = {
        resolve,
        startedAt,
        adding: true,
        abandoned: false,
        timer: setTimeout(
          () => this.expire(requestId, call),
          Math.min(PRODUCER_TIMEOUT_MS, job.deadline - startedAt),
        ),
      };
      this.pending.set(requestId, call);
      void this.enqueue(job, pool ?? job.pool ?? this.poolOf(job.appId), call);
    });
  }

  /** Stops listening and answers every call still waiting with 503. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const [requestId, call] of this.pending) {
      call.abandoned = call.adding;
      this.settle(
        requestId,
        call,
        failureResult(requestId, PLATFORM_FAILURES.queueUnavailable, call.startedAt),
      );
    }
    await Promise.allSettled([...this.queues.values()].map((queue) => queue.close()));
    await Promise.all([closeConnection(this.subscriber), closeConnection(this.producer)]);
  }

  private async enqueue(job: InvocationJob, pool: string, call: PendingCall): Promise<void> {
    const { requestId } = job;
    const queue = this.queueFor(pool);
    try {
      if (!this.isSubscribed) await this.subscribed;
      // Without the reply channel the result could never reach us: refuse rather than run blind.
      if (this.subscriber.status !== 'ready') throw new Error('reply channel not subscribed');
      await queue.add(INVOCATION_JOB_NAME, encodeJob(job, this.gatewayId), {
        ...INVOCATION_JOB_OPTIONS,
        jobId: requestId,
      });
    } catch {
      // Connection state changes are logged by the connection itself; no line per refused call.
      if (this.pending.get(requestId) === call) {
        this.settle(
          requestId,
          call,
          failureResult(requestId, PLATFORM_FAILURES.queueUnavailable, call.startedAt),
        );
      }
      return;
    }
    if (this.pending.get(requestId) !== call) {
      // Answered already: 503 because Redis was slow to accept it (or closed). The caller has its
      // answer, so the job must not run late — take it back while it is still waiting.
      if (call.abandoned) queue.remove(requestId).catch(() => undefined);
      return;
    }
    call.adding = false;
    clearTimeout(call.timer);
    call.timer = setTimeout(() => this.expire(requestId, call), Math.max(0, job.deadline - Date.now()));
  }

  private expire(requestId: string, call: PendingCall): void {
    if (this.pending.get(requestId) !== call) return;
    call.abandoned = call.adding;
    const failure = call.adding ? PLATFORM_FAILURES.queueUnavailable : PLATFORM_FAILURES.deadlinePassed;
    this.settle(requestId, call, failureResult(requestId, failure, call.startedAt));
  }

  private onReply(message: string): void {
    let parsed;
    try {
      parsed = InvocationResultWireSchema.safeParse(JSON.parse(message));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      this.logger.warn({ channel: this.names.replyChannel(this.gatewayId) }, 'malformed reply ignored');
      return;
    }
    const { requestId } = parsed.data;
    const call = this.pending.get(requestId);
    // No one waits any more (answered 504/503 earlier): the late reply is dropped.
    if (!call) return;
    this.settle(requestId, call, decodeResult(parsed.data));
  }

  private settle(requestId: string, call: PendingCall, result: InvocationResult): void {
    this.pending.delete(requestId);
    clearTimeout(call.timer);
    call.resolve(result);
  }

  private failNow(
    requestId: string,
    failure: InvocationFailure,
    startedAt: number,
  ): Promise<InvocationResult> {
    return Promise.resolve(failureResult(requestId, failure, startedAt));
  }

  private queueFor(pool: string): Queue {
    let queue = this.queues.get(pool);
    if (!queue) {
      queue = new Queue(this.names.invocationQueue(pool), {
        connection: this.producer,
        prefix: this.names.bullPrefix,
        defaultJobOptions: INVOCATION_JOB_OPTIONS,
      });
      // The shared connection logs its own state changes; this only keeps the emitter from throwing.
      queue.on('error', () => undefined);
      this.queues.set(pool, queue);
    }
    return queue;
  }
}
