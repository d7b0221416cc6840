// Per-job overhead of the invocation path with a no-op invoke (issue [P2] item 3). Prints jobs/s and
// round-trip percentiles; asserts nothing. Run from the repository root:
//   node --require @swc-node/register libs/cluster/src/invocation/testing/invocation-bench.ts
import type { InvocationResult } from '@portico/contracts';
import { BullInvocationTransport } from '../bull-invocation.transport';
import { InvocationConsumer } from '../invocation.consumer';
import { deleteKeys, makeJob, memoryLogger, uniquePrefix } from './invocation.fixtures';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

async function main(): Promise<void> {
  const prefix = uniquePrefix();
  const transport = new BullInvocationTransport({
    redisUrl,
    prefix,
    gatewayId: 'bench',
    logger: memoryLogger(),
  });
  const consumer = new InvocationConsumer({
    redisUrl,
    prefix,
    pool: 'default',
    logger: memoryLogger(),
    invoke: (job): Promise<InvocationResult> =>
      Promise.resolve({
        requestId: job.requestId,
        response: { status: 200, headers: {}, body: job.request.body },
        logs: [],
        durationMs: 0,
        cold: false,
      }),
  });
  await Promise.all([transport.ready(), consumer.ready()]);
  try {
    for (const concurrency of [1, 64]) {
      const total = concurrency === 1 ? 3_000 : 20_000;
      const latencies: number[] = [];
      let next = 0;
      const started = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < total) {
            next += 1;
            const t0 = process.hrtime.bigint();
            const result = await transport.invoke(makeJob());
            if (result.error) throw new Error(result.error.message);
            latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
          }
        }),
      );
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      latencies.sort((a, b) => a - b);
      console.log(
        `concurrency ${concurrency}: ${Math.round(total / seconds)} jobs/s, p50 ${percentile(latencies, 0.5).toFixed(3)} ms, ` +
          `p99 ${percentile(latencies, 0.99).toFixed(3)} ms (${total} jobs)`,
      );
    }
  } finally {
    await transport.close();
    await consumer.close();
    await deleteKeys(redisUrl, prefix);
  }
}

void main();
