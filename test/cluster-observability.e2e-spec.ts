import { ClusterPlatform } from './support/cluster';
import { endpoint } from './support/endpoints';
import { scrape } from './support/metrics';

/**
 * Metrics of cluster mode (issue #6 item 5): each service serves its own registry, labelled with its
 * `service`; the worker's on WORKER_HEALTH_PORT next to its probes.
 */
describe('observability (cluster mode, separate processes, real Redis)', () => {
  const platform = new ClusterPlatform({ workers: 1 });
  let appId: string;

  beforeAll(async () => {
    await platform.start();
    appId = await platform.createApp('cluster-metrics');
    await platform.putFunction(appId, 'hello', { run_as_system: true, source: 'exports = () => "hi"' });
    await platform.putEndpoints(appId, [endpoint('/hello', 'hello')]);
  }, 90_000);
  afterAll(async () => {
    await platform.stop();
  }, 60_000);

  it("counts the worker's jobs, their queue wait and run time, and cold and warm starts", async () => {
    const worker = platform.workers[0].urls.worker;
    const before = await scrape(worker);
    expect(before.value('portico_worker_job_run_seconds_count')).toBe(0);
    const calls = 4;
    for (let i = 0; i < calls; i++) {
      const res = await platform.call(appId, '/hello');
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    const after = await scrape(worker);
    expect(after.value('portico_worker_job_run_seconds_count', { outcome: 'ok', service: 'worker' })).toBe(
      calls,
    );
    expect(after.value('portico_worker_job_run_seconds_sum', { outcome: 'ok' })).toBeGreaterThan(0);
    expect(after.value('portico_worker_job_wait_seconds_count')).toBe(calls);
    expect(after.value('portico_worker_job_wait_seconds_bucket', { le: '+Inf' })).toBe(calls);
    const cold = after.value('portico_sandbox_starts_total', { start: 'cold' });
    expect(cold).toBeGreaterThanOrEqual(1);
    expect(cold + after.value('portico_sandbox_starts_total', { start: 'warm' })).toBe(calls);
    expect(after.value('portico_sandbox_processes')).toBeGreaterThanOrEqual(1);
    expect(after.text).toContain('portico_sandbox_limit_kills_total{reason="time",service="worker"} 0');
    // Queue depth, read from Redis at scrape time: nothing waits once every call was answered.
    expect(after.text).toMatch(/^portico_worker_queue_jobs\{state="waiting",service="worker"\} 0$/m);
  });

  it('serves per-app request metrics on the gateway and admin metrics on the registry', async () => {
    const before = await scrape(platform.gatewayUrl);
    await platform.call(appId, '/hello');
    await platform.call(appId, '/nope');
    const after = await scrape(platform.gatewayUrl);
    const app = (status_class: string) => ({ app: appId, status_class, service: 'gateway' });
    const delta = (labels: Record<string, string>) =>
      after.value('portico_gateway_requests_total', labels) -
      before.value('portico_gateway_requests_total', labels);
    expect(delta(app('2xx'))).toBe(1);
    expect(delta(app('4xx'))).toBe(1);
    expect(after.text).not.toContain('portico_worker_job_run_seconds');

    const registry = await scrape(platform.adminUrl);
    expect(registry.value('portico_deployments_total', { service: 'registry' })).toBeGreaterThanOrEqual(3);
    expect(registry.value('portico_admin_requests_total', { method: 'POST', status_class: '2xx' })).toBe(1);
    expect(registry.text).not.toContain('portico_gateway_requests_total');
  });

  it('still drains and exits 0 on SIGTERM after scrapes opened the queue-depth reader', async () => {
    const worker = platform.workers[0];
    await scrape(worker.urls.worker);
    expect(await worker.stop()).toBe(0);
    expect(worker.output).not.toMatch(/"level":"(error|fatal)"/);
  });
});
