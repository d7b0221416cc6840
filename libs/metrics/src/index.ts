// Prometheus metrics (issue #6 item 5): one registry per process, a recorder per service.
export {
  initProcessMetrics,
  processMetricsRegistry,
  scrapeMetrics,
  type MetricsScrape,
} from './metrics-registry';
export { UNKNOWN_APP, STATUS_CLASSES, METHODS } from './metric-labels';
export { GatewayMetrics, GATEWAY_DURATION_BUCKETS } from './gateway.metrics';
export {
  WorkerMetrics,
  type LimitKillReason,
  type QueueDepthSource,
  type SandboxPoolView,
} from './worker.metrics';
export { RegistryMetrics } from './registry.metrics';
export { MetricsController } from './metrics.controller';
export { MetricsModule } from './metrics.module';
export { sendMetrics } from './metrics-http';
