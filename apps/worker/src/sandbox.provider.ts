import type { Provider } from '@nestjs/common';
import { PORTICO_CONFIG, type PorticoConfig } from '@portico/config';
import { PORTICO_LOGGER, type Logger } from '@portico/logging';
import { WorkerMetrics } from '@portico/metrics';
import { SANDBOX_RUNNER, SandboxPool } from '@portico/sandbox';

/** The sandbox runner chosen by config (CONVENTIONS 5: one factory picks the adapter). */
export const sandboxProvider: Provider = {
  provide: SANDBOX_RUNNER,
  inject: [PORTICO_CONFIG, PORTICO_LOGGER, WorkerMetrics],
  useFactory: (config: PorticoConfig, logger: Logger, metrics: WorkerMetrics) => {
    const pool = new SandboxPool({
      engine: config.sandbox.engine,
      maxProcesses: config.sandbox.maxProcesses,
      maxProcessesPerApp: config.sandbox.maxProcessesPerApp,
      logger: logger.child({ component: 'sandbox' }),
      onLimitKill: (reason) => metrics.limitKill(reason),
    });
    metrics.watchPool(pool);
    return pool;
  },
};
