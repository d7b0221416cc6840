import { ConfigError, loadConfig, type PorticoConfig } from '@portico/config';
import { createLogger, type Logger } from '@portico/logging';
import { initProcessMetrics } from '@portico/metrics';

/** A started service: how to stop it gracefully. */
export interface RunningService {
  /** Stop accepting work, finish what is in flight, release connections. */
  close(): Promise<void>;
}

/** Longest a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 30_000;

/**
 * The common `main` of every service entry point (gateway, registry, worker): config read once (a bad
 * variable stops start-up with the variable's name, no stack trace), one structured logger, and a
 * graceful drain on SIGTERM/SIGINT that exits 0 when everything closed in time.
 */
export function runService(
  service: string,
  start: (config: PorticoConfig, logger: Logger) => Promise<RunningService>,
): void {
  let config: PorticoConfig;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`portico ${service}: ${err instanceof ConfigError ? err.message : String(err)}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.logs.level, { service });
  initProcessMetrics(service);
  start(config, logger).then(
    (running) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'draining');
        const force = setTimeout(() => {
          logger.error({ graceMs: SHUTDOWN_GRACE_MS }, 'shutdown took too long; exiting');
          process.exit(1);
        }, SHUTDOWN_GRACE_MS);
        force.unref();
        running.close().then(
          () => {
            logger.info('stopped');
            process.exit(0);
          },
          (err: unknown) => {
            logger.error({ err }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    },
    (err: unknown) => {
      if (err instanceof ConfigError) {
        process.stderr.write(`portico ${service}: ${err.message}\n`);
        process.exit(2);
      }
      logger.fatal({ err }, `${service} failed to start`);
      process.exit(1);
    },
  );
}

/** Cluster services need Redis; say so plainly instead of failing somewhere deep. */
export function requireRedis(config: PorticoConfig, service: string): { url: string; prefix: string } {
  if (config.transport.kind !== 'redis') {
    throw new ConfigError([
      `REDIS_URL is not set: the ${service} runs as a separate service only in cluster mode (use \`npm start\` for the standalone platform)`,
    ]);
  }
  return config.transport;
}
