// The cluster target's orchestration against stand-in entry points (the real ones are tested by their
// own e2e suites): start order, URL discovery from JSON log lines, deployment over the admin API,
// waiting for the gateway, the process tree the RSS sampler sees, and cleanup of processes, the temp
// data dir and Redis keys. Needs the Redis on 127.0.0.1:6379.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Redis from 'ioredis';
import { cleanupAll, ServiceStartError } from '../lib/processes.mjs';
import { procFs, RssSampler } from '../lib/rss-sampler.mjs';
import { startCluster, waitForOk } from '../lib/targets.mjs';

const REDIS_URL = 'redis://127.0.0.1:6379';
const fixture = (name) => join(import.meta.dirname, 'fixtures', `${name}.cjs`);
const benchDirs = () => readdirSync(tmpdir()).filter((d) => d.startsWith('portico-bench-cluster-'));

describe('cluster target with stand-in entry points', () => {
  after(() => cleanupAll());

  it('starts, deploys, reaches the endpoint, and cleans everything up', async () => {
    const dirsBefore = benchDirs();
    const target = await startCluster(REDIS_URL, {
      registry: fixture('fake-registry'),
      worker: fixture('fake-worker'),
      gateway: fixture('fake-gateway'),
    });
    assert.match(target.url, /^http:\/\/127\.0\.0\.1:\d+\/app\/bench-abcde\/endpoint\/hello$/);
    assert.deepEqual(await waitForOk(target.url), { body: '"hello"', contentType: 'application/json' });

    const sampler = new RssSampler();
    for (const root of target.roots) sampler.track(root.label, root.pid);
    sampler.sample();
    const labels = sampler.report().map((p) => p.label);
    assert.deepEqual(labels, [
      'cluster registry',
      'cluster worker',
      'cluster worker › sandbox host',
      'cluster gateway',
    ]);
    const pids = sampler.report().map((p) => p.pid);
    assert.equal(benchDirs().length, dirsBefore.length + 1);

    const redis = new Redis(REDIS_URL);
    try {
      await target.stop();
      await cleanupAll();
      const leftover = await redis.keys('portico-bench-*:fake');
      assert.deepEqual(leftover, []);
    } finally {
      redis.disconnect();
    }
    for (const pid of pids) assert.equal(procFs.rss(pid), undefined, `pid ${pid} still running`);
    assert.deepEqual(benchDirs(), dirsBefore);
  });

  it('reports a service that exits before it is ready, with its last words', async () => {
    const dirsBefore = benchDirs();
    await assert.rejects(
      startCluster(REDIS_URL, {
        registry: fixture('fake-registry'),
        worker: fixture('fake-worker'),
        gateway: join(import.meta.dirname, 'fixtures', 'missing-gateway.cjs'),
      }),
      (err) =>
        err instanceof ServiceStartError &&
        /^gateway: exited with 1/.test(err.message) &&
        /Cannot find module/.test(err.output),
    );
    await cleanupAll();
    assert.deepEqual(benchDirs(), dirsBefore);
    assert.ok(!existsSync(join(import.meta.dirname, 'fixtures', 'missing-gateway.cjs')));
  });
});
