import { Registry } from 'prom-client';
import { RegistryMetrics } from './registry.metrics';
import { initProcessMetrics, processMetricsRegistry, scrapeMetrics } from './metrics-registry';

describe('RegistryMetrics', () => {
  it('counts admin requests by method and status class, and deployments', async () => {
    const registry = new Registry();
    const metrics = RegistryMetrics.on(registry);
    metrics.adminRequest('PUT', 200, 0.01);
    metrics.adminRequest('PUT', 201, 0.02);
    metrics.adminRequest('GET', 401, 0.001);
    metrics.deploymentCommitted();
    const text = await registry.metrics();
    expect(text).toContain('portico_admin_requests_total{method="PUT",status_class="2xx"} 2');
    expect(text).toContain('portico_admin_requests_total{method="GET",status_class="4xx"} 1');
    expect(text).toContain('portico_admin_request_duration_seconds_count{method="PUT",status_class="2xx"} 2');
    expect(text).toContain('portico_deployments_total 1');
  });
});

describe('the process registry', () => {
  it('labels every series with the service and adds the Node.js process metrics', async () => {
    expect(initProcessMetrics('standalone')).toBe(processMetricsRegistry());
    RegistryMetrics.on().deploymentCommitted();
    const { contentType, body } = await scrapeMetrics();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(body).toContain('portico_deployments_total{service="standalone"} 1');
    expect(body).toMatch(/^portico_process_resident_memory_bytes\{service="standalone"\} \d+/m);
    // A second call (tests, several mains in one process) changes the label, registers nothing twice.
    initProcessMetrics('registry');
    expect((await scrapeMetrics()).body).toContain('portico_deployments_total{service="registry"} 1');
  });
});
