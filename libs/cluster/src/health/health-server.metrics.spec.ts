import { WorkerMetrics } from '@portico/metrics';
import { startHealthServer, type HealthServer } from './health-server';
import { ReadinessService } from './readiness.service';

describe('startHealthServer with metrics (the worker)', () => {
  let server: HealthServer;
  beforeAll(async () => {
    server = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      readiness: new ReadinessService(),
      metrics: true,
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("serves the process's registry on GET /metrics next to the probes", async () => {
    const metrics = WorkerMetrics.on();
    const base = `http://127.0.0.1:${server.port}`;
    const count = async (): Promise<number> => {
      const text = await (await fetch(`${base}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('portico_sandbox_starts_total{start="cold"'));
      return line === undefined ? 0 : Number(line.split(' ').pop());
    };
    const before = await count();
    metrics.sandboxRan(true);
    metrics.sandboxRan(true);
    expect(await count()).toBe(before + 2);

    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toContain('# TYPE portico_worker_job_run_seconds histogram');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
