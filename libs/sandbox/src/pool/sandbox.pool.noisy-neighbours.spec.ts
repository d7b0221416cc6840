import { getPriority } from 'node:os';
import { performance } from 'node:perf_hooks';
import { bundleOf, jobOf, memoryLogger, noHostCalls, text } from '../testing/sandbox.fixtures';
import { SandboxPool } from './sandbox.pool';

const HELLO = 'exports = function () { return "hello"; };';
const SPIN = 'exports = function () { for (;;) {} };';
/** Issue [P3] item 6: another app's calls keep answering with p95 below this while one app spins. */
const P95_BUDGET_MS = 1_500;
const NOISE_MS = 4_000;

const p95 = (samples: number[]): number => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)];
};

const waitReady = async (pool: SandboxPool) => {
  while (!pool.hosts().every((h) => h.ready)) await new Promise((resolve) => setTimeout(resolve, 20));
};

describe('SandboxPool: noisy neighbours', () => {
  let pool: SandboxPool;
  afterEach(() => pool.close());

  it('gives an app that overran its time limit low-priority processes of its own, not the spare', async () => {
    pool = new SandboxPool({
      engine: 'isolated-vm',
      maxProcesses: 4,
      maxProcessesPerApp: 2,
      logger: memoryLogger(),
    });
    const noisy = bundleOf(
      'noisy-abcde',
      { spin: SPIN, hello: HELLO },
      { limits: { timeout_ms: 300, memory_mb: 64, max_request_bytes: 1024 } },
    );
    await waitReady(pool);
    const spin = await pool.run(noisy, jobOf(noisy.appId, 'spin'), noHostCalls);
    expect(spin.error?.code).toBe('ExecutionTimeLimitExceeded');
    await waitReady(pool);
    const spare = pool.hosts().find((h) => h.appId === null);
    expect(spare).toBeDefined();

    // Its new process starts for it; the start does not count against its 300 ms.
    const after = await pool.run(noisy, jobOf(noisy.appId, 'hello'), noHostCalls);
    expect(text(after.response?.body)).toBe('"hello"');
    const own = pool.hosts().filter((h) => h.appId === noisy.appId);
    expect(own).toHaveLength(1);
    expect(own[0].pid).not.toBe(spare?.pid);
    expect(getPriority(own[0].pid)).toBeGreaterThan(getPriority(spare?.pid ?? 0));
    // The spare stayed for others, at normal priority.
    expect(pool.hosts().find((h) => h.pid === spare?.pid)?.appId).toBeNull();
  }, 30_000);

  it('keeps answering another app, warm and cold, while one app spins until its time limit', async () => {
    pool = new SandboxPool({
      engine: 'isolated-vm',
      maxProcesses: 5,
      maxProcessesPerApp: 2,
      logger: memoryLogger(),
    });
    const noisy = bundleOf(
      'noisy-abcde',
      { spin: SPIN },
      {
        limits: { timeout_ms: 1_000, memory_mb: 64, max_request_bytes: 1024 },
      },
    );
    const quiet = bundleOf('quiet-abcde', { hello: HELLO });
    const hello = async (bundle = quiet) => {
      const t0 = performance.now();
      const r = await pool.run(bundle, jobOf(bundle.appId, 'hello'), noHostCalls);
      return { r, ms: performance.now() - t0 };
    };
    expect((await hello()).r.response?.status).toBe(200);
    // Steady state: the pre-started spare is up before the noise begins.
    await waitReady(pool);

    let noising = true;
    const timeLimited: string[] = [];
    // Two callers each keep one spinning invocation in flight: both of the app's processes burn a
    // core (the machine has two) and are killed and replaced every second.
    const noise = [0, 1].map(async () => {
      while (noising) {
        const r = await pool.run(noisy, jobOf(noisy.appId, 'spin'), noHostCalls);
        timeLimited.push(r.error?.code ?? 'none');
      }
    });

    const samples: number[] = [];
    const until = performance.now() + NOISE_MS;
    let cold: { r: Awaited<ReturnType<typeof hello>>['r']; ms: number } | undefined;
    while (performance.now() < until) {
      const { r, ms } = await hello();
      expect(text(r.response?.body)).toBe('"hello"');
      samples.push(ms);
      // Once the noise is steady (the spinning app has hit its limit), an app the pool has never
      // seen makes its first call.
      if (cold === undefined && performance.now() > until - NOISE_MS / 3)
        cold = await hello(bundleOf('cold-abcde', { hello: HELLO }));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    noising = false;
    await Promise.all(noise);

    expect(timeLimited.length).toBeGreaterThanOrEqual(2);
    expect(new Set(timeLimited)).toEqual(new Set(['ExecutionTimeLimitExceeded']));
    expect(samples.length).toBeGreaterThan(20);
    expect(p95(samples)).toBeLessThan(P95_BUDGET_MS);
    expect(cold?.r.cold).toBe(true);
    expect(text(cold?.r.response?.body)).toBe('"hello"');
    expect(cold?.ms).toBeLessThan(P95_BUDGET_MS);
    process.stdout.write(
      `noisy neighbours: ${samples.length} calls, p95 ${p95(samples).toFixed(1)} ms, cold start ${cold?.ms.toFixed(1)} ms, ${timeLimited.length} spins stopped\n`,
    );
  }, 30_000);
});
