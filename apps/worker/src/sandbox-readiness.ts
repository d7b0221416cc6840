import type { INestApplicationContext } from '@nestjs/common';
import type { ReadinessCheck } from '@portico/cluster';
import { SANDBOX_RUNNER, type SandboxRunner } from '@portico/sandbox';

/**
 * `/readyz` check of a worker: its sandbox can start host processes. A worker whose hosts all die
 * before they are ready (isolated-vm's addon missing, the host script unreadable) would take jobs and
 * fail every one, so it reports not ready instead.
 */
export function sandboxReadiness(worker: INestApplicationContext): ReadinessCheck {
  const sandbox = worker.get<SandboxRunner>(SANDBOX_RUNNER);
  return { name: 'sandbox', check: () => Promise.resolve(sandbox.isHealthy?.() ?? true) };
}
