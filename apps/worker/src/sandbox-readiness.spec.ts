import type { INestApplicationContext } from '@nestjs/common';
import { ReadinessService } from '@portico/cluster';
import { SANDBOX_RUNNER, type SandboxRunner } from '@portico/sandbox';
import { sandboxReadiness } from './sandbox-readiness';

/** A worker context holding just a sandbox runner whose health the test sets. */
function workerWith(runner: Partial<SandboxRunner>): INestApplicationContext {
  return {
    get: (token: unknown) => {
      if (token !== SANDBOX_RUNNER) throw new Error('unexpected token');
      return runner;
    },
  } as unknown as INestApplicationContext;
}

describe('sandboxReadiness (/readyz of a worker and of the standalone data plane)', () => {
  it('reports "sandbox" failing while the sandbox is unhealthy, and ready once it is', async () => {
    let healthy = false;
    const readiness = new ReadinessService().register(
      sandboxReadiness(workerWith({ isHealthy: () => healthy })),
    );
    expect(await readiness.report()).toEqual({ ready: false, failing: ['sandbox'] });
    healthy = true;
    expect(await readiness.report()).toEqual({ ready: true, failing: [] });
  });

  it('treats a runner without a health signal as healthy', async () => {
    const readiness = new ReadinessService().register(sandboxReadiness(workerWith({})));
    expect(await readiness.report()).toEqual({ ready: true, failing: [] });
  });
});
