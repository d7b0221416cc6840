import { Counter, Histogram, type Registry } from 'prom-client';
import { METHODS, methodIndex, STATUS_CLASSES, statusClassIndex } from './metric-labels';
import { processMetricsRegistry, recorderFor } from './metrics-registry';

export const ADMIN_DURATION_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

const recorders = new WeakMap<Registry, RegistryMetrics>();

/**
 * The control plane's metrics: admin API requests by method and status class (no route or app label:
 * the admin API is not a hot path, and its paths hold app ids and names) and deployments committed.
 */
export class RegistryMetrics {
  private readonly requests: Counter<'method' | 'status_class'>;
  private readonly duration: Histogram<'method' | 'status_class'>;
  private readonly deployments: Counter;

  static on(registry: Registry = processMetricsRegistry()): RegistryMetrics {
    return recorderFor(registry, recorders, (r) => new RegistryMetrics(r));
  }

  private constructor(registry: Registry) {
    const registers = [registry];
    this.requests = new Counter({
      name: 'portico_admin_requests_total',
      help: 'Admin API (and health, metrics) requests answered by the registry, by method and status class',
      labelNames: ['method', 'status_class'],
      registers,
    });
    this.duration = new Histogram({
      name: 'portico_admin_request_duration_seconds',
      help: 'Time the registry took to answer an admin API request',
      labelNames: ['method', 'status_class'],
      buckets: ADMIN_DURATION_BUCKETS,
      registers,
    });
    this.deployments = new Counter({
      name: 'portico_deployments_total',
      help: 'Deployment versions committed (every admin change to an app creates one, app creation too)',
      registers,
    });
  }

  adminRequest(method: string, status: number, seconds: number): void {
    const m = METHODS[methodIndex(method)];
    const c = STATUS_CLASSES[statusClassIndex(status)];
    this.requests.labels(m, c).inc();
    this.duration.labels(m, c).observe(seconds);
  }

  deploymentCommitted(): void {
    this.deployments.inc();
  }
}
