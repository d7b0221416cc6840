import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { clusterNames, type InvocationJob, type InvocationResult } from '@portico/contracts';
import { BullInvocationTransport } from './bull-invocation.transport';
import { InvocationConsumer } from './invocation.consumer';
import {
  deleteKeys,
  echoAsync,
  makeJob,
  memoryLogger,
  PrivateRedis,
  SHARED_REDIS_URL,
  sleep,
  uniquePrefix,
  waitFor,
} from './testing/invocation.fixtures';

const repoRoot = resolve(__dirname, '../../../..');

describe('invocation faults', () => {
  let cleanups: (() => Promise<unknown>)[];
  beforeEach(() => {
    cleanups = [];
  });
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  describe('a consumer killed while jobs are in flight', () => {
    const prefix = uniquePrefix();
    const dir = mkdtempSync(join(tmpdir(), 'portico-consumer-'));
    const runLog = join(dir, 'runs.log');
    let child: ChildProcess | undefined;

    afterAll(async () => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      await deleteKeys(SHARED_REDIS_URL, prefix);
    });

    it('ends its calls by their deadline, runs none twice, and the remaining consumer serves later calls', async () => {
      const started = spawn(
        process.execPath,
        ['--require', '@swc-node/register', join(__dirname, 'testing', 'consumer.child.ts')],
        {
          cwd: repoRoot,
          env: {
            ...process.env,
            REDIS_URL: SHARED_REDIS_URL,
            PREFIX: prefix,
            RUN_LOG: runLog,
            LOCK_MS: '1000',
          },
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        },
      );
      child = started;
      await new Promise<void>((ready, fail) => {
        started.once('message', () => ready());
        started.once('exit', (code) => fail(new Error(`consumer child exited with ${code}`)));
      });

      const transport = new BullInvocationTransport({
        redisUrl: SHARED_REDIS_URL,
        prefix,
        gatewayId: 'gw-kill',
        logger: memoryLogger(),
      });
      cleanups.push(() => transport.close());
      await transport.ready();

      const inFlight: InvocationJob[] = Array.from({ length: 4 }, () =>
        makeJob({ functionName: 'slow' }, 4_000),
      );
      const calls = inFlight.map(async (job) => ({
        job,
        result: await transport.invoke(job),
        at: Date.now(),
      }));
      const childRuns = (): string[] => readFileSync(runLog, 'utf8').split('\n').filter(Boolean);
      await waitFor(() => {
        try {
          return childRuns().length === inFlight.length;
        } catch {
          return false;
        }
      }, 10_000);

      // The survivor checks for stalled jobs often, so a re-run would happen well before the deadline.
      const survivorRuns: string[] = [];
      const survivor = new InvocationConsumer({
        redisUrl: SHARED_REDIS_URL,
        prefix,
        pool: 'default',
        concurrency: 8,
        logger: memoryLogger(),
        lockDurationMs: 1_000,
        stalledIntervalMs: 300,
        invoke: (job) => {
          survivorRuns.push(job.requestId);
          return echoAsync(job, 'survivor');
        },
      });
      cleanups.push(() => survivor.close());
      await survivor.ready();

      await new Promise<void>((exited) => {
        started.once('exit', () => exited());
        started.kill('SIGKILL');
      });

      const ended = await Promise.all(calls);
      for (const { job, result, at } of ended) {
        expect(result.error).toMatchObject({ code: 'ExecutionTimeLimitExceeded', status: 504 });
        expect(at).toBeLessThan(job.deadline + 500);
      }
      // The stalled jobs were failed (maxStalledCount 0) and removed, not put back to wait.
      const names = clusterNames(prefix);
      const queue = new Queue(names.invocationQueue('default'), {
        connection: { url: SHARED_REDIS_URL },
        prefix: names.bullPrefix,
      });
      cleanups.push(() => queue.close());
      await waitFor(async () => {
        const counts = await queue.getJobCounts('active', 'wait', 'failed');
        return counts.active === 0 && counts.wait === 0 && counts.failed === 0;
      }, 5_000);

      const later = await Promise.all(Array.from({ length: 5 }, () => transport.invoke(makeJob())));
      expect(later.map((r) => r.response?.headers['X-Worker']?.[0])).toEqual(Array(5).fill('survivor'));

      const inFlightIds = inFlight.map((job) => job.requestId);
      expect(survivorRuns.filter((id) => inFlightIds.includes(id))).toEqual([]);
      expect(childRuns().sort()).toEqual([...inFlightIds].sort());
    }, 30_000);
  });

  describe('Redis unreachable', () => {
    let redis: PrivateRedis;
    beforeAll(async () => {
      redis = await PrivateRedis.start();
    });
    afterAll(async () => {
      await redis.stop();
    });

    const platform = async () => {
      const prefix = uniquePrefix();
      const transport = new BullInvocationTransport({
        redisUrl: redis.url,
        prefix,
        gatewayId: 'gw-down',
        logger: memoryLogger(),
      });
      cleanups.push(() => transport.close());
      const consumer = new InvocationConsumer({
        redisUrl: redis.url,
        prefix,
        pool: 'default',
        concurrency: 8,
        logger: memoryLogger(),
        invoke: (job) => echoAsync(job),
      });
      cleanups.push(() => consumer.close());
      await Promise.all([transport.ready(), consumer.ready()]);
      return { transport, consumer };
    };

    it('answers 503 within 5 s while Redis is gone, and recovers by itself when it is back', async () => {
      const { transport, consumer } = await platform();
      expect((await transport.invoke(makeJob())).response?.status).toBe(200);

      await redis.stop();
      const startedAt = Date.now();
      const down: InvocationResult = await transport.invoke(makeJob({}, 20_000));
      expect(Date.now() - startedAt).toBeLessThan(5_000);
      expect(down.error).toEqual({
        code: 'ServiceUnavailable',
        status: 503,
        message: 'invocation queue unavailable',
      });
      expect(await transport.isHealthy()).toBe(false);

      await redis.start();
      let result: InvocationResult | undefined;
      await waitFor(async () => {
        result = await transport.invoke(makeJob({}, 2_000));
        return result.response?.status === 200;
      }, 15_000);
      expect(result?.response?.status).toBe(200);
      expect(await transport.isHealthy()).toBe(true);
      expect(await consumer.isHealthy()).toBe(true);
    }, 30_000);

    it('answers 503 within the producer timeout when Redis hangs', async () => {
      const { transport } = await platform();
      expect((await transport.invoke(makeJob())).response?.status).toBe(200);
      const admin = new Redis(redis.url);
      cleanups.push(() => admin.quit());
      const sleeping = admin.call('DEBUG', 'SLEEP', '3');
      await sleep(50);
      const startedAt = Date.now();
      const hung = await transport.invoke(makeJob({}, 20_000));
      const elapsed = Date.now() - startedAt;
      expect(hung.error).toMatchObject({ code: 'ServiceUnavailable', status: 503 });
      expect(elapsed).toBeLessThan(3_000);
      await sleeping;
      let result: InvocationResult | undefined;
      await waitFor(async () => {
        result = await transport.invoke(makeJob({}, 2_000));
        return result.response?.status === 200;
      }, 10_000);
      expect(result?.response?.status).toBe(200);
    }, 30_000);
  });
});
