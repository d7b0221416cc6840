import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  clusterNames,
  InvocationJobWireSchema,
  type ClusterNames,
  type InvocationJob,
  type InvocationResult,
} from '@portico/contracts';
import { DEFAULT_CONSUMER_CONCURRENCY, INVOCATION_WORKER_OPTIONS } from './invocation.constants';
import { decodeJob, encodeResult, failureResult, PLATFORM_FAILURES } from './invocation-wire.codec';
import { answersPing, closeConnection, openConnection, type InvocationLogger } from './redis-connections';

/** Options of {@link InvocationConsumer}. */
export interface InvocationConsumerOptions {
  /** `REDIS_URL`. */
  redisUrl: string;
  /** `PORTICO_REDIS_PREFIX`. */
  prefix: string;
  /** The worker pool whose queue this consumer serves (`PORTICO_WORKER_POOL`). */
  pool: string;
  /** Jobs run at the same time by this process. Default `DEFAULT_CONSUMER_CONCURRENCY` (64). */
  concurrency?: number;
  logger: InvocationLogger;
  /** Runs one job; the worker passes `InvocationService.invoke` (never rejects; a rejection becomes a 500). */
  invoke: (job: InvocationJob) => Promise<InvocationResult>;
  /**
   * How long a job stays locked to a worker that stopped renewing it, and how often stalled jobs are
   * looked for. Defaults in `INVOCATION_WORKER_OPTIONS` (30 s each); tests shorten them.
   */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Called as a job starts, with how long it waited in the queue (ms since it was added); for metrics. */
  onJobStarted?: (waitMs: number) => void;
}

/**
 * Worker side of the invocation queue (DESIGN (2)–(4)): a BullMQ `Worker` on the pool's queue that
 * re-validates each job (Redis is a boundary), skips jobs whose deadline has passed, runs the rest
 * and PUBLISHes the result on the calling gateway's reply channel. At most once: a job is never
 * retried, and a job whose worker died is failed by the stalled check (`maxStalledCount: 0`), not
 * run again — its caller is answered by the gateway's own deadline timer.
 */
export class InvocationConsumer {
  private readonly names: ClusterNames;
  private readonly logger: InvocationLogger;
  private readonly invoke: (job: InvocationJob) => Promise<InvocationResult>;
  /** Commands of the worker and the PUBLISH of results (BullMQ duplicates it for blocking reads). */
  private readonly connection: Redis;
  private readonly worker: Worker;
  private closing: Promise<void> | undefined;
  private readonly onJobStarted: (waitMs: number) => void;
  /** Opened on the first `jobCounts()` (a metrics scrape), on the worker's own connection. */
  private queue: Queue | undefined;
  private readonly queueName: string;

  constructor(options: InvocationConsumerOptions) {
    this.names = clusterNames(options.prefix);
    this.logger = options.logger;
    this.invoke = options.invoke;
    this.onJobStarted = options.onJobStarted ?? (() => undefined);
    this.queueName = this.names.invocationQueue(options.pool);
    this.connection = openConnection(
      options.redisUrl,
      'worker',
      `${options.prefix}:worker:${options.pool}`,
      options.logger,
    );
    this.worker = new Worker(this.names.invocationQueue(options.pool), (job) => this.process(job), {
      ...INVOCATION_WORKER_OPTIONS,
      lockDuration: options.lockDurationMs ?? INVOCATION_WORKER_OPTIONS.lockDuration,
      stalledInterval: options.stalledIntervalMs ?? INVOCATION_WORKER_OPTIONS.stalledInterval,
      concurrency: options.concurrency ?? DEFAULT_CONSUMER_CONCURRENCY,
      connection: this.connection,
      prefix: this.names.bullPrefix,
    });
    this.worker.on('error', (err) => {
      // While Redis is away every retry fails; the connection has logged that once already.
      if (this.connection.status === 'ready') this.logger.error({ err }, 'invocation worker error');
    });
  }

  /** Resolves once the worker is connected and Redis answers PING (readiness). */
  async ready(): Promise<void> {
    await this.worker.waitUntilReady();
    if (!(await answersPing(this.connection))) throw new Error('redis does not answer PING');
  }

  /** True while the worker runs and Redis answers PING within 1 s. */
  async isHealthy(): Promise<boolean> {
    return this.worker.isRunning() && (await answersPing(this.connection));
  }

  /** Jobs of this pool's queue by state (waiting, active, delayed, …): the queue depth for metrics. */
  jobCounts(): Promise<Record<string, number>> {
    this.queue ??= new Queue(this.queueName, { connection: this.connection, prefix: this.names.bullPrefix });
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
  }

  /** Stops taking jobs, lets the running ones finish and publish their results, then disconnects. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.worker.close();
      await this.queue?.close();
      await closeConnection(this.connection);
    })();
    return this.closing;
  }

  private async process(job: Job): Promise<void> {
    const startedAt = Date.now();
    this.onJobStarted(startedAt - job.timestamp);
    const parsed = InvocationJobWireSchema.safeParse(job.data);
    if (!parsed.success) {
      await this.refuse(job, startedAt);
      return;
    }
    const wire = parsed.data;
    if (startedAt >= wire.deadline) {
      // The caller has stopped waiting: running it now would only waste a sandbox.
      await this.reply(
        wire.replyTo,
        failureResult(wire.requestId, PLATFORM_FAILURES.deadlinePassed, startedAt),
      );
      return;
    }
    let result: InvocationResult;
    try {
      result = await this.invoke(decodeJob(wire));
    } catch (err) {
      this.logger.error({ err, requestId: wire.requestId, appId: wire.appId }, 'invocation rejected');
      result = failureResult(wire.requestId, PLATFORM_FAILURES.internal, startedAt);
    }
    await this.reply(wire.replyTo, result);
  }

  /** An invalid job is answered with a 500 when it names a reply channel, and dropped. */
  private async refuse(job: Job, startedAt: number): Promise<void> {
    const data: unknown = job.data;
    const field = (name: string): string | undefined => {
      const value =
        typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[name] : undefined;
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
    this.logger.warn({ jobId: job.id, requestId: field('requestId') }, 'invalid invocation job dropped');
    const replyTo = field('replyTo');
    if (replyTo === undefined) return;
    const requestId = field('requestId') ?? job.id ?? '';
    await this.reply(replyTo, failureResult(requestId, PLATFORM_FAILURES.invalidJob, startedAt));
  }

  private async reply(replyTo: string, result: InvocationResult): Promise<void> {
    try {
      await this.connection.publish(this.names.replyChannel(replyTo), JSON.stringify(encodeResult(result)));
    } catch (err) {
      // The gateway answers by its deadline anyway; the job is done either way.
      this.logger.warn({ err, requestId: result.requestId }, 'reply not published');
    }
  }
}
