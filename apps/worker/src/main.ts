import { loadConfig } from '@portico/config';

/**
 * Cluster-mode entry point of the worker. Cluster mode (BullMQ + Redis) arrives with the next issue;
 * until then the worker runs inside the standalone process (`npm start`).
 */
function main(): void {
  loadConfig();
  process.stderr.write(
    'portico worker: cluster mode is not available yet; run `npm start` for the standalone platform.\n',
  );
  process.exitCode = 2;
}
main();
