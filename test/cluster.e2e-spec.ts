import { spawn } from 'node:child_process';
import { PrivateRedis } from '../libs/cluster/src/testing/redis.fixtures';
import { ClusterPlatform } from './support/cluster';
import { endpoint } from './support/endpoints';

/**
 * Cluster mode end to end (issue #3, Tests): registry, workers and gateway as separate real processes
 * over the real Redis, each test run under its own key prefix.
 */
const busy = (ms: number) =>
  `exports = () => { const end = Date.now() + ${ms}; while (Date.now() < end) {} return "done"; }`;

async function deployHello(platform: ClusterPlatform, name = 'cluster-e2e'): Promise<string> {
  const appId = await platform.createApp(name);
  await platform.putFunction(appId, 'hello', {
    run_as_system: true,
    source: 'exports = () => ({ hello: "cluster" })',
  });
  await platform.putFunction(appId, 'slow', { run_as_system: true, source: busy(300) });
  await platform.putFunction(appId, 'whoami', { run_as_system: true, source: 'exports = () => "v1"' });
  await platform.putEndpoints(appId, [
    endpoint('/hello', 'hello'),
    endpoint('/slow', 'slow'),
    endpoint('/version', 'whoami'),
  ]);
  return appId;
}

describe('cluster mode (separate processes, real Redis)', () => {
  describe('serving', () => {
    const platform = new ClusterPlatform({ workers: 2 });
    let appId: string;

    beforeAll(async () => {
      await platform.start();
      appId = await deployHello(platform);
    }, 90_000);
    afterAll(async () => {
      await platform.stop();
    }, 60_000);

    it('answers a call through gateway → queue → worker → reply channel, as standalone does', async () => {
      const res = await platform.call(appId, '/hello');
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ hello: 'cluster' });
      expect(res.headers.get('x-request-id')).toBeTruthy();
      const missing = await platform.call(appId, '/nope');
      expect(missing.status).toBe(404);
      expect(missing.json.error_code).toBe('EndpointNotFound');
    });

    it('shares the load between two workers', async () => {
      await Promise.all(Array.from({ length: 12 }, () => platform.call(appId, '/slow')));
      const logs = await platform.waitForLogs(
        appId,
        (l) => l.filter((e) => e.route === '/slow').length >= 12,
        15_000,
      );
      const workers = new Set(logs.filter((e) => e.route === '/slow').map((e) => e.worker));
      expect(workers.size).toBe(2);
    }, 30_000);

    it('serves a redeploy within 1 s', async () => {
      expect((await platform.call(appId, '/version')).json).toBe('v1');
      await platform.putFunction(appId, 'whoami', { run_as_system: true, source: 'exports = () => "v2"' });
      const changedAt = Date.now();
      let seen = '';
      while (Date.now() - changedAt < 1000 && seen !== 'v2')
        seen = (await platform.call(appId, '/version')).json;
      expect(seen).toBe('v2');
    });

    it("routes an app's calls to the workers of its pool", async () => {
      const gold = await platform.addWorker({ PORTICO_WORKER_POOL: 'gold' });
      const vip = await platform.createApp('vip');
      await platform.putFunction(vip, 'hello', { run_as_system: true, source: 'exports = () => "gold"' });
      await platform.putEndpoints(vip, [endpoint('/hello', 'hello')]);
      expect((await platform.admin('PATCH', `/apps/${vip}`, { pool: 'gold' })).status).toBe(200);
      for (let i = 0; i < 4; i++) expect((await platform.call(vip, '/hello')).json).toBe('gold');
      const logs = await platform.waitForLogs(vip, (l) => l.length >= 4);
      expect(new Set(logs.map((e) => e.worker))).toEqual(
        new Set([expect.stringMatching(new RegExp(`/${gold.pid}$`))]),
      );
    });

    it('answers /healthz and /readyz on every service', async () => {
      for (const base of [platform.gatewayUrl, platform.adminUrl, platform.workers[0].urls.worker]) {
        expect((await fetch(`${base}/healthz`)).status).toBe(200);
        expect((await fetch(`${base}/readyz`)).status).toBe(200);
      }
    });

    it('answers 429 with Retry-After when the rate or concurrency limit is reached', async () => {
      const limited = await platform.createApp('limited');
      await platform.putFunction(limited, 'slow', { run_as_system: true, source: busy(400) });
      await platform.putFunction(limited, 'fast', { run_as_system: true, source: 'exports = () => 1' });
      await platform.putEndpoints(limited, [endpoint('/slow', 'slow'), endpoint('/fast', 'fast')]);

      expect(
        (await platform.admin('PATCH', `/apps/${limited}`, { limits: { max_concurrent: 1 } })).status,
      ).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      const concurrent = await Promise.all([
        platform.call(limited, '/slow'),
        platform.call(limited, '/slow'),
        platform.call(limited, '/slow'),
      ]);
      const rejected = concurrent.filter((r) => r.status === 429);
      expect(concurrent.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1);
      expect(rejected.length).toBeGreaterThanOrEqual(1);
      expect(rejected[0].json.error_code).toBe('TooManyRequests');
      expect(Number(rejected[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

      expect(
        (
          await platform.admin('PATCH', `/apps/${limited}`, {
            limits: { max_concurrent: 10000, rate_per_sec: 3 },
          })
        ).status,
      ).toBe(200);
      await new Promise((r) => setTimeout(r, 1100));
      const burst = await Promise.all(Array.from({ length: 8 }, () => platform.call(limited, '/fast')));
      expect(burst.filter((r) => r.status === 200).length).toBeLessThanOrEqual(3);
      expect(burst.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(5);
    }, 30_000);
  });

  describe('faults', () => {
    it('a worker killed under load: every request ends by its deadline, later ones are served', async () => {
      const platform = new ClusterPlatform({ workers: 2 });
      try {
        await platform.start();
        const appId = await deployHello(platform, 'killed');
        expect(
          (await platform.admin('PATCH', `/apps/${appId}`, { limits: { timeout_ms: 4000 } })).status,
        ).toBe(200);
        await new Promise((r) => setTimeout(r, 300));
        const started = Date.now();
        const inFlight = Array.from({ length: 10 }, () => platform.call(appId, '/slow'));
        await new Promise((r) => setTimeout(r, 200));
        await platform.workers[0].stop('SIGKILL');
        const results = await Promise.all(inFlight);
        expect(Date.now() - started).toBeLessThan(15_000);
        for (const r of results) expect([200, 500, 503, 504]).toContain(r.status);
        expect(results.some((r) => r.status === 200)).toBe(true);
        for (let i = 0; i < 5; i++) expect((await platform.call(appId, '/hello')).status).toBe(200);
      } finally {
        await platform.stop();
      }
    }, 90_000);

    it('Redis unresponsive: the gateway answers 503 within 5 s, and recovers by itself', async () => {
      const redis = await PrivateRedis.start();
      const platform = new ClusterPlatform({ workers: 1, redisUrl: redis.url });
      try {
        await platform.start();
        const appId = await deployHello(platform, 'redis-down');
        expect((await platform.call(appId, '/hello')).status).toBe(200);

        // DEBUG SLEEP blocks this private Redis (connections stay open but nothing answers).
        const sleeper = spawn('redis-cli', ['-p', String(redis.port), 'DEBUG', 'SLEEP', '7'], {
          stdio: 'ignore',
        });
        await new Promise((r) => setTimeout(r, 200));
        const t0 = Date.now();
        const during = await platform.call(appId, '/hello');
        expect(Date.now() - t0).toBeLessThan(5000);
        expect([503, 504]).toContain(during.status);
        await new Promise<void>((resolve) => sleeper.once('exit', () => resolve()));

        let recovered = false;
        for (let i = 0; i < 50 && !recovered; i++) {
          recovered = (await platform.call(appId, '/hello')).status === 200;
          if (!recovered) await new Promise((r) => setTimeout(r, 200));
        }
        expect(recovered).toBe(true);
      } finally {
        await platform.stop();
        await redis.stop();
      }
    }, 90_000);

    it('registry down: gateways keep serving apps they have cached', async () => {
      const platform = new ClusterPlatform({ workers: 1 });
      try {
        await platform.start();
        const appId = await deployHello(platform, 'no-registry');
        expect((await platform.call(appId, '/hello')).status).toBe(200);
        await platform.registry.stop('SIGKILL');
        const res = await platform.call(appId, '/hello');
        expect(res.status).toBe(200);
        expect(res.json).toEqual({ hello: 'cluster' });
      } finally {
        await platform.stop();
      }
    }, 60_000);

    it('graceful shutdown: SIGTERM lets in-flight requests finish and exits 0', async () => {
      const platform = new ClusterPlatform({ workers: 1 });
      try {
        await platform.start();
        const appId = await deployHello(platform, 'drain');
        expect((await platform.call(appId, '/hello')).status).toBe(200);
        const inFlight = Array.from({ length: 4 }, () => platform.call(appId, '/slow'));
        await new Promise((r) => setTimeout(r, 100));
        const [gatewayCode, workerCode] = await Promise.all([
          platform.gateway.stop('SIGTERM'),
          platform.workers[0].stop('SIGTERM'),
        ]);
        const results = await Promise.all(inFlight);
        expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
        if (gatewayCode !== 0 || workerCode !== 0) console.error(platform.logs);
        expect(gatewayCode).toBe(0);
        expect(workerCode).toBe(0);
      } finally {
        await platform.stop();
      }
    }, 60_000);
  });
});
