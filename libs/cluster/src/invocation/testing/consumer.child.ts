// A consumer in its own process, for the "worker killed while jobs are in flight" test: it appends
// the requestId of every job it starts to RUN_LOG, and never finishes jobs of function `slow`.
import { appendFileSync } from 'node:fs';
import { InvocationConsumer } from '../invocation.consumer';
import { echoResult, memoryLogger, sleep } from './invocation.fixtures';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const runLog = env('RUN_LOG');
const consumer = new InvocationConsumer({
  redisUrl: env('REDIS_URL'),
  prefix: env('PREFIX'),
  pool: 'default',
  concurrency: 16,
  logger: memoryLogger(),
  lockDurationMs: Number(env('LOCK_MS')),
  stalledIntervalMs: Number(env('LOCK_MS')) / 2,
  invoke: async (job) => {
    appendFileSync(runLog, `${job.requestId}\n`);
    if (job.functionName === 'slow') await sleep(60_000);
    return echoResult(job, 'child');
  },
});

void consumer.ready().then(() => process.send?.('ready'));
