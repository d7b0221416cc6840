import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import {
  clusterNames,
  INVOCATION_JOB_NAME,
  InvocationResultWireSchema,
  type InvocationJob,
  type InvocationResult,
  type InvocationResultWire,
} from '@portico/contracts';
import { BullInvocationTransport } from './bull-invocation.transport';
import { InvocationConsumer, type InvocationConsumerOptions } from './invocation.consumer';
import { encodeJob } from './invocation-wire.codec';
import {
  countKeys,
  deleteKeys,
  echoAsync,
  echoResult,
  makeJob,
  memoryLogger,
  SHARED_REDIS_URL,
  sleep,
  uniquePrefix,
  waitFor,
} from './testing/invocation.fixtures';

const REDIS_URL = SHARED_REDIS_URL;

describe('invocation queue and reply channels (real Redis)', () => {
  let prefix: string;
  let cleanups: (() => Promise<unknown>)[];

  beforeEach(() => {
    prefix = uniquePrefix();
    cleanups = [];
  });
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await deleteKeys(REDIS_URL, prefix);
  });

  const transport = async (poolOf?: (appId: string) => string): Promise<BullInvocationTransport> => {
    const t = new BullInvocationTransport({
      redisUrl: REDIS_URL,
      prefix,
      gatewayId: `gw-${Math.random().toString(36).slice(2)}`,
      logger: memoryLogger(),
      poolOf,
    });
    cleanups.push(() => t.close());
    await t.ready();
    return t;
  };
  const consumer = async (
    invoke: InvocationConsumerOptions['invoke'],
    extra: Partial<InvocationConsumerOptions> = {},
  ): Promise<InvocationConsumer> => {
    const c = new InvocationConsumer({
      redisUrl: REDIS_URL,
      prefix,
      pool: 'default',
      concurrency: 8,
      logger: memoryLogger(),
      invoke,
      ...extra,
    });
    cleanups.push(() => c.close());
    await c.ready();
    return c;
  };
  /** Listens on a reply channel directly, as a gateway would. */
  const replyListener = async (gatewayId: string): Promise<InvocationResultWire[]> => {
    const replies: InvocationResultWire[] = [];
    const sub = new Redis(REDIS_URL);
    cleanups.push(() => sub.quit());
    sub.on('message', (_c: string, m: string) =>
      replies.push(InvocationResultWireSchema.parse(JSON.parse(m))),
    );
    await sub.subscribe(clusterNames(prefix).replyChannel(gatewayId));
    return replies;
  };
  /** Adds raw data to the default pool's queue, bypassing the transport. */
  const addRaw = async (data: unknown, jobId: string): Promise<void> => {
    const names = clusterNames(prefix);
    const queue = new Queue(names.invocationQueue('default'), {
      connection: { url: REDIS_URL },
      prefix: names.bullPrefix,
    });
    try {
      await queue.add(INVOCATION_JOB_NAME, data, { jobId, removeOnComplete: true, removeOnFail: true });
    } finally {
      await queue.close();
    }
  };

  it('round-trips a job with its body bytes and headers intact, and leaves no job behind', async () => {
    const t = await transport();
    await consumer((job) => echoAsync(job));
    const job = makeJob();
    const result = await t.invoke(job);
    expect(result.error).toBeUndefined();
    expect(result.requestId).toBe(job.requestId);
    expect(result.response?.status).toBe(200);
    expect(Array.from(result.response?.body ?? [])).toEqual([0, 1, 2, 250, 255, 10]);
    expect(JSON.parse(result.response?.headers['X-Request-Headers']?.[0] ?? 'null')).toEqual(
      job.request.headers,
    );
    expect(result.logs).toEqual(['log: echo']);
    expect(t.pendingCount).toBe(0);
    const names = clusterNames(prefix);
    const jobKey = `${names.bullPrefix}:${names.invocationQueue('default')}:${job.requestId}`;
    await waitFor(async () => (await countKeys(REDIS_URL, jobKey)) === 0);
  });

  it('sends a job to the pool named by invoke, or by poolOf', async () => {
    const t = await transport((appId) => (appId === 'gold-app' ? 'gold' : 'default'));
    await consumer((job) => echoAsync(job, 'gold'), { pool: 'gold' });
    await consumer((job) => echoAsync(job, 'default'));
    const byPoolOf = await t.invoke(makeJob({ appId: 'gold-app' }));
    const byDefault = await t.invoke(makeJob());
    const byArgument = await t.invoke(makeJob(), 'gold');
    expect(byPoolOf.response?.headers['X-Worker']).toEqual(['gold']);
    expect(byDefault.response?.headers['X-Worker']).toEqual(['default']);
    expect(byArgument.response?.headers['X-Worker']).toEqual(['gold']);
  });

  it('shares the load between two consumers', async () => {
    const t = await transport();
    const slowEcho = (name: string) => async (job: InvocationJob) => {
      await sleep(30);
      return echoResult(job, name);
    };
    await consumer(slowEcho('a'), { concurrency: 2 });
    await consumer(slowEcho('b'), { concurrency: 2 });
    const results = await Promise.all(Array.from({ length: 24 }, () => t.invoke(makeJob())));
    const workers = results.map((r) => r.response?.headers['X-Worker']?.[0]);
    expect(workers.filter((w) => w === 'a').length).toBeGreaterThan(0);
    expect(workers.filter((w) => w === 'b').length).toBeGreaterThan(0);
    expect(workers.filter((w) => w === 'a' || w === 'b')).toHaveLength(24);
  });

  it('answers 504 when the deadline passes, and the job is not run later', async () => {
    const t = await transport();
    const job = makeJob({}, 300);
    const startedAt = Date.now();
    const result = await t.invoke(job);
    const elapsed = Date.now() - startedAt;
    expect(result.error).toEqual({
      code: 'ExecutionTimeLimitExceeded',
      status: 504,
      message: 'execution time limit exceeded',
    });
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1_500);

    const ran: string[] = [];
    await consumer((j) => {
      ran.push(j.requestId);
      return echoAsync(j);
    });
    const fresh = makeJob();
    expect((await t.invoke(fresh)).response?.status).toBe(200);
    await sleep(100);
    expect(ran).toEqual([fresh.requestId]);
  });

  it('answers a job already past its deadline with 504 without running it', async () => {
    const replies = await replyListener('probe');
    const ran: string[] = [];
    await consumer((j) => {
      ran.push(j.requestId);
      return echoAsync(j);
    });
    const expired = makeJob({}, -10);
    await addRaw(encodeJob(expired, 'probe'), expired.requestId);
    await waitFor(() => replies.length === 1);
    expect(replies[0]).toMatchObject({
      requestId: expired.requestId,
      error: { code: 'ExecutionTimeLimitExceeded', status: 504 },
    });
    expect(ran).toEqual([]);
  });

  it('refuses an invalid job: 500 on its reply channel when it names one, dropped otherwise', async () => {
    const replies = await replyListener('probe');
    const ran: string[] = [];
    const t = await transport();
    await consumer((j) => {
      ran.push(j.requestId);
      return echoAsync(j);
    });
    await addRaw({ requestId: 'bad-1', replyTo: 'probe', appId: 5 }, 'bad-1');
    await addRaw({ nonsense: true }, 'bad-2');
    await waitFor(() => replies.length === 1);
    expect(replies[0]).toMatchObject({
      requestId: 'bad-1',
      error: { code: 'InternalServerError', status: 500, message: 'invalid invocation job' },
    });
    // The consumer keeps serving after refusing both.
    const valid = makeJob();
    expect((await t.invoke(valid)).response?.status).toBe(200);
    expect(ran).toEqual([valid.requestId]);
    expect(replies).toHaveLength(1);
  });

  it('turns a rejecting invoke into a 500 for the caller', async () => {
    const t = await transport();
    await consumer(() => Promise.reject(new Error('boom')));
    const result = await t.invoke(makeJob());
    expect(result.error).toMatchObject({ code: 'InternalServerError', status: 500 });
  });

  it('ignores a malformed reply and late replies nobody waits for', async () => {
    const logger = memoryLogger();
    const t = new BullInvocationTransport({ redisUrl: REDIS_URL, prefix, gatewayId: 'gw-m', logger });
    cleanups.push(() => t.close());
    await t.ready();
    const pub = new Redis(REDIS_URL);
    cleanups.push(() => pub.quit());
    const channel = clusterNames(prefix).replyChannel('gw-m');
    await pub.publish(channel, 'not json');
    await pub.publish(channel, JSON.stringify({ requestId: 'nobody', logs: [], durationMs: 1, cold: false }));
    await waitFor(() => logger.lines.some((l) => l.msg === 'malformed reply ignored'));
    await consumer((job) => echoAsync(job));
    expect((await t.invoke(makeJob())).response?.status).toBe(200);
  });

  it('consumer close() lets running jobs finish and reply, then takes no more', async () => {
    const t = await transport();
    let running = 0;
    const c = await consumer(async (job) => {
      running += 1;
      await sleep(300);
      return echoResult(job);
    });
    const calls = [t.invoke(makeJob()), t.invoke(makeJob()), t.invoke(makeJob())];
    await waitFor(() => running === 3);
    let closed = false;
    const closing = c.close().then(() => {
      closed = true;
    });
    const results: InvocationResult[] = await Promise.all(calls);
    expect(results.map((r) => r.response?.status)).toEqual([200, 200, 200]);
    await closing;
    expect(closed).toBe(true);
    expect(await c.isHealthy()).toBe(false);
    const after = await t.invoke(makeJob({}, 400));
    expect(after.error?.code).toBe('ExecutionTimeLimitExceeded');
    expect(running).toBe(3);
  });

  it('transport close() answers the calls still waiting with 503 at once', async () => {
    const t = await transport();
    const waiting = t.invoke(makeJob({}, 10_000));
    await waitFor(() => t.pendingCount === 1);
    await sleep(50);
    const startedAt = Date.now();
    await t.close();
    const result = await waiting;
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect(result.error).toEqual({
      code: 'ServiceUnavailable',
      status: 503,
      message: 'invocation queue unavailable',
    });
    expect((await t.invoke(makeJob())).error?.code).toBe('ServiceUnavailable');
  });

  it('reports health of transport and consumer', async () => {
    const t = await transport();
    const c = await consumer((job) => echoAsync(job));
    expect(await t.isHealthy()).toBe(true);
    expect(await c.isHealthy()).toBe(true);
  });
});
