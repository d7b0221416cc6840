import { bundleOf, jobOf, memoryLogger, noHostCalls } from '../testing/sandbox.fixtures';
import { SandboxPool } from './sandbox.pool';

/** Polls until `predicate` holds (host deaths and respawns are asynchronous). */
async function until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('SandboxPool health (what /readyz reports for the sandbox)', () => {
  it('is healthy once a host has started', async () => {
    const pool = new SandboxPool({
      engine: 'isolated-vm',
      maxProcesses: 1,
      maxProcessesPerApp: 1,
      logger: memoryLogger(),
    });
    try {
      const r = await pool.run(
        bundleOf('ok-abcde', { hello: 'exports = () => 1;' }),
        jobOf('ok-abcde', 'hello'),
        noHostCalls,
      );
      expect(r.error).toBeUndefined();
      expect(pool.isHealthy()).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('turns unhealthy when every host dies before it is ready (here: a preload that does not exist)', async () => {
    const pool = new SandboxPool({
      engine: 'isolated-vm',
      maxProcesses: 1,
      maxProcessesPerApp: 1,
      logger: memoryLogger(),
      hostNodeOptions: ['--require', '/nonexistent/portico-missing-preload.js'],
    });
    try {
      expect(pool.isHealthy()).toBe(true);
      await until(() => !pool.isHealthy());
      expect(pool.isHealthy()).toBe(false);
    } finally {
      await pool.close();
    }
  });
});
