import { loadConfig } from '@portico/config';

/**
 * Entry point of a stand-alone gateway process (cluster mode). Cluster wiring (BullMQ transport, Redis
 * registry client) comes in a later issue; until then this validates the configuration and stops with
 * a pointer to standalone mode.
 */
function main(): void {
  loadConfig();
  throw new Error('cluster mode needs REDIS_URL; use `npm start` for standalone');
}

try {
  main();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
