import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The one Prometheus registry of this process. Every recorder (gateway, worker, registry) registers on
 * it, so standalone mode (three services in one process) serves one coherent set of metrics on both
 * of its `/metrics` endpoints, and a cluster service serves its own.
 */
let processRegistry: Registry | undefined;

/** The process's registry, created on first use (without default labels until `initProcessMetrics`). */
export function processMetricsRegistry(): Registry {
  processRegistry ??= new Registry();
  return processRegistry;
}

/**
 * Called once by a service's main: labels every series with `service` (`gateway`, `registry`,
 * `worker`, or `standalone`) and adds the Node.js process metrics (CPU, memory, event-loop lag, GC).
 * Idempotent: a second call only changes the label.
 */
let defaultsCollected = false;
export function initProcessMetrics(service: string): Registry {
  const registry = processMetricsRegistry();
  registry.setDefaultLabels({ service });
  if (!defaultsCollected) {
    defaultsCollected = true;
    collectDefaultMetrics({ register: registry, prefix: 'portico_' });
  }
  return registry;
}

/** One scrape: the exposition text and its content type (Prometheus text format 0.0.4). */
export interface MetricsScrape {
  contentType: string;
  body: string;
}

export async function scrapeMetrics(registry: Registry = processMetricsRegistry()): Promise<MetricsScrape> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/**
 * One recorder instance per registry and class: prom-client refuses a second metric of the same name
 * on a registry, and standalone mode builds several Nest applications in one process.
 */
export function recorderFor<T>(
  registry: Registry,
  cache: WeakMap<Registry, T>,
  create: (registry: Registry) => T,
): T {
  let recorder = cache.get(registry);
  if (recorder === undefined) {
    recorder = create(registry);
    cache.set(registry, recorder);
  }
  return recorder;
}
