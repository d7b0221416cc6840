import { bundleOf, jobOf, memoryLogger, noHostCalls, text } from '../testing/sandbox.fixtures';
import { SandboxPool } from './sandbox.pool';

/**
 * A vm2 host measures its memory on its own process image. A host forked from a large parent (a
 * long-running worker; the test runner late in a suite) must not be charged the parent's size: with
 * getrusage's max RSS, which keeps the pre-exec mark of the forked copy, it was killed for it.
 */
describe('SandboxPool [vm2]: a large parent process', () => {
  it('does not count the parent’s size against the host’s memory limit', async () => {
    // Touch every page, so the parent's resident size really is large when the hosts are forked.
    const ballast = Buffer.alloc(600 * 1024 * 1024, 1);
    const pool = new SandboxPool({
      engine: 'vm2',
      maxProcesses: 1,
      maxProcessesPerApp: 1,
      logger: memoryLogger(),
    });
    try {
      const r = await pool.run(
        bundleOf('small-abcde', { hello: 'exports = () => "hello";' }),
        jobOf('small-abcde', 'hello'),
        noHostCalls,
      );
      expect(r.error).toBeUndefined();
      expect(text(r.response?.body)).toBe('"hello"');
      expect(ballast.length).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  }, 30_000);
});
