import { performance } from 'node:perf_hooks';
import { SandboxPool } from './pool/sandbox.pool';
import { bundleOf, jobOf, memoryLogger, noHostCalls, text } from './testing/sandbox.fixtures';

/**
 * Measures the pool's per-invocation overhead for a warm hello function (guest → host process →
 * isolate and back) and prints it. No timing assertion: the machine's load decides the numbers;
 * the test checks that every answer was right. `OVERHEAD_N` sets the invocation count.
 */
describe('SandboxPool overhead (hello, warm)', () => {
  const pool = new SandboxPool({
    engine: 'isolated-vm',
    maxProcesses: 2,
    maxProcessesPerApp: 1,
    logger: memoryLogger(),
  });
  const bundle = bundleOf('bench-abcde', {
    hello: 'exports = function (request, response) { return "Hello World!"; };',
  });
  const job = jobOf('bench-abcde', 'hello', { deadline: Date.now() + 3_600_000 });
  const n = Number(process.env.OVERHEAD_N ?? 20_000);
  afterAll(() => pool.close());

  async function measure(concurrency: number, n: number): Promise<{ ok: number; us: number }> {
    let started = 0;
    let ok = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (started < n) {
          started++;
          const r = await pool.run(bundle, job, noHostCalls);
          if (r.response?.status === 200 && text(r.response.body) === '"Hello World!"') ok++;
        }
      }),
    );
    return { ok, us: ((performance.now() - t0) * 1000) / n };
  }

  it('prints µs/op and ops/s at concurrency 1 and 64', async () => {
    await measure(1, 2_000); // warm-up: load the app, let V8 optimize both sides
    const lines: string[] = [];
    for (const concurrency of [1, 64]) {
      const { ok, us } = await measure(concurrency, n);
      expect(ok).toBe(n);
      lines.push(`concurrency ${concurrency}: ${us.toFixed(1)} µs/op, ${Math.round(1e6 / us)} ops/s`);
    }
    process.stdout.write(`SandboxPool hello overhead (${n} invocations each):\n  ${lines.join('\n  ')}\n`);
  }, 120_000);
});
