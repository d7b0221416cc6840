import { Registry } from 'prom-client';
import { WorkerMetrics } from './worker.metrics';

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('WorkerMetrics', () => {
  let registry: Registry;
  let metrics: WorkerMetrics;
  beforeEach(() => {
    registry = new Registry();
    metrics = WorkerMetrics.on(registry);
  });

  it('records run time by outcome, cold and warm starts, waits and limit kills', async () => {
    metrics.invocationFinished({}, 0.004);
    metrics.invocationFinished({}, 0.02);
    metrics.invocationFinished({ error: { code: 'FunctionExecutionError' } }, 0.5);
    metrics.sandboxRan(true);
    metrics.sandboxRan(false);
    metrics.sandboxRan(false);
    metrics.jobWaited(0.003);
    metrics.jobWaited(-0.001); // clocks of two hosts: never a negative wait
    metrics.limitKill('time');
    const text = await registry.metrics();
    expect(sample(text, 'portico_worker_job_run_seconds_count{outcome="ok"}')).toBe(2);
    expect(sample(text, 'portico_worker_job_run_seconds_count{outcome="error"}')).toBe(1);
    expect(sample(text, 'portico_worker_job_run_seconds_bucket{outcome="ok",le="0.005"}')).toBe(1);
    expect(sample(text, 'portico_sandbox_starts_total{start="cold"}')).toBe(1);
    expect(sample(text, 'portico_sandbox_starts_total{start="warm"}')).toBe(2);
    expect(sample(text, 'portico_worker_job_wait_seconds_count')).toBe(2);
    expect(sample(text, 'portico_worker_job_wait_seconds_bucket{le="0.0005"}')).toBe(1);
    expect(sample(text, 'portico_sandbox_limit_kills_total{reason="time"}')).toBe(1);
    expect(sample(text, 'portico_sandbox_limit_kills_total{reason="memory"}')).toBe(0);
    expect(sample(text, 'portico_sandbox_limit_kills_total{reason="cpu"}')).toBe(0);
  });

  it('reads the pool and the queue when scraped', async () => {
    const hosts = [
      { appId: 'a-abcde', running: 2 },
      { appId: 'b-abcde', running: 0 },
      { appId: null, running: 0 },
    ];
    metrics.watchPool({ hosts: () => hosts });
    let counts: Record<string, number> = { waiting: 4, active: 2 };
    metrics.watchQueue(() => Promise.resolve(counts));
    let text = await registry.metrics();
    expect(sample(text, 'portico_sandbox_processes{state="busy"}')).toBe(1);
    expect(sample(text, 'portico_sandbox_processes{state="idle"}')).toBe(1);
    expect(sample(text, 'portico_sandbox_processes{state="spare"}')).toBe(1);
    expect(sample(text, 'portico_worker_queue_jobs{state="waiting"}')).toBe(4);
    expect(sample(text, 'portico_worker_queue_jobs{state="active"}')).toBe(2);

    hosts.pop();
    counts = { waiting: 0, active: 1 };
    text = await registry.metrics();
    expect(sample(text, 'portico_sandbox_processes{state="spare"}')).toBe(0);
    expect(sample(text, 'portico_worker_queue_jobs{state="waiting"}')).toBe(0);
  });

  it('scrapes without queue values while Redis is away, instead of failing the scrape', async () => {
    metrics.watchQueue(() => Promise.resolve({ waiting: 3 }));
    expect(sample(await registry.metrics(), 'portico_worker_queue_jobs{state="waiting"}')).toBe(3);
    metrics.watchQueue(() => Promise.reject(new Error('connection is closed')));
    const text = await registry.metrics();
    expect(sample(text, 'portico_worker_queue_jobs{state="waiting"}')).toBeUndefined();
    expect(text).toContain('portico_worker_job_run_seconds');
  });
});
