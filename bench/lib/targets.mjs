// The three things the bench drives, each started from scratch and serving the same hello endpoint:
// plain node:http, standalone Portico (`portico dev`) and cluster Portico (registry + worker + gateway
// over Redis). Each `start*` returns the endpoint URL, the root pids to sample and a `stop()`.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, spawnService, stopChild } from './processes.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const entry = (app) => join(ROOT, 'dist', 'apps', app, 'src', 'main.js');

/** The Atlas function and endpoint under test: the cheapest sandboxed call there is. */
export const HELLO_SOURCE = 'exports = () => "hello"';
export const HELLO_ENDPOINT = {
  route: '/hello',
  http_method: 'GET',
  function_name: 'hello',
  validation_method: 'NO_VALIDATION',
  respond_result: true,
  fetch_custom_user_data: false,
  create_user_on_auth: false,
  disabled: false,
  return_type: 'JSON',
};
/** What the hello endpoint answers; the baseline answers the same bytes. */
export const HELLO_BODY = '"hello"';
export const HELLO_CONTENT_TYPE = 'application/json';

const ADMIN_TOKEN = `bench-${randomBytes(16).toString('hex')}`;

async function admin(adminUrl, method, path, body) {
  const res = await fetch(`${adminUrl}/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`admin ${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Creates the app, the hello function and its endpoint; returns the endpoint's data-plane path. */
async function deployHello(adminUrl) {
  const app = await admin(adminUrl, 'POST', '/apps', { name: 'bench' });
  await admin(adminUrl, 'PUT', `/apps/${app.id}/functions/hello`, {
    source: HELLO_SOURCE,
    run_as_system: true,
  });
  await admin(adminUrl, 'PUT', `/apps/${app.id}/endpoints`, [HELLO_ENDPOINT]);
  return `/app/${app.id}/endpoint/hello`;
}

/**
 * Polls `url` until it answers 200 (a gateway learns about a deployment asynchronously in cluster
 * mode) and returns the body, so the caller can check it matches the baseline's.
 */
export async function waitForOk(url, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const res = await fetch(url);
      const text = await res.text();
      if (res.status === 200) return { body: text, contentType: res.headers.get('content-type') ?? '' };
      last = `${res.status} ${text.slice(0, 200)}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > until) throw new Error(`${url} never answered 200 (last: ${last})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const commonEnv = (dataDir) => ({
  HOST: '127.0.0.1',
  PORT: '0',
  ADMIN_PORT: '0',
  PORTICO_DATA_DIR: dataDir,
  PORTICO_ADMIN_TOKEN: ADMIN_TOKEN,
  LOG_LEVEL: 'info',
});

/** Plain node:http in its own process. */
export async function startBaseline() {
  const svc = spawnService({
    args: [join(ROOT, 'bench', 'baseline-server.mjs')],
    env: { BENCH_BODY: HELLO_BODY, BENCH_CONTENT_TYPE: HELLO_CONTENT_TYPE },
    services: ['baseline'],
  });
  const urls = await svc.ready;
  return {
    url: `${urls.baseline}/hello`,
    roots: [{ label: 'baseline (node:http)', pid: svc.child.pid }],
    stop: () => stopChild(svc.child),
  };
}

/**
 * `portico dev`: gateway, registry and worker in one process, sandbox hosts as its children, running
 * guest code with `engine` (`SANDBOX_ENGINE`).
 */
export async function startStandalone(engine = 'isolated-vm') {
  if (!existsSync(entry('cli'))) throw new Error(`${entry('cli')} is missing (build first)`);
  const dataDir = makeTempDir('portico-bench-standalone-');
  const svc = spawnService({
    args: [entry('cli'), 'dev'],
    env: { ...commonEnv(dataDir), SANDBOX_ENGINE: engine },
    services: ['registry', 'gateway'],
  });
  try {
    const urls = await svc.ready;
    const path = await deployHello(urls.registry);
    return {
      url: `${urls.gateway}${path}`,
      roots: [{ label: `standalone (${engine})`, pid: svc.child.pid }],
      stop: () => stopChild(svc.child),
    };
  } catch (err) {
    await stopChild(svc.child);
    throw err;
  }
}

/** Why cluster mode cannot run, or undefined when it can be tried. */
export function clusterUnavailable() {
  const missing = ['registry', 'worker', 'gateway'].filter((a) => !existsSync(entry(a)));
  return missing.length
    ? `missing ${missing.map((a) => `dist/apps/${a}/src/main.js`).join(', ')}`
    : undefined;
}

/**
 * Cluster mode on one host: one registry, one worker and one gateway sharing Redis (unique prefix)
 * and the embedded store in one temp data dir. Redis keys under the prefix are deleted on stop.
 * `entries` overrides the three entry scripts (tests use stand-ins).
 */
export async function startCluster(
  redisUrl,
  entries = { registry: entry('registry'), worker: entry('worker'), gateway: entry('gateway') },
) {
  const dataDir = makeTempDir('portico-bench-cluster-');
  const prefix = `portico-bench-${randomBytes(4).toString('hex')}`;
  const env = { ...commonEnv(dataDir), REDIS_URL: redisUrl, PORTICO_REDIS_PREFIX: prefix };
  const started = [];
  const stop = async () => {
    // Data plane first, control plane last, so nothing is left waiting on a vanished registry.
    for (const svc of [...started].reverse()) await stopChild(svc.child);
    await deleteRedisKeys(redisUrl, prefix);
  };
  const launch = (app) => {
    // Each service is up in a few seconds; a shorter wait keeps the run short when one never gets there.
    const svc = spawnService({ args: [entries[app]], env, services: [app], timeoutMs: 15_000 });
    started.push(svc);
    return svc.ready.catch((err) => {
      err.message = `${app}: ${err.message}`;
      throw err;
    });
  };
  try {
    // The registry owns the store (creates its schema), so it starts before the others open it.
    const registry = await launch('registry');
    const [, gateway] = await Promise.all([launch('worker'), launch('gateway')]);
    const path = await deployHello(registry.registry);
    return {
      url: `${gateway.gateway}${path}`,
      roots: [
        { label: 'cluster registry', pid: started[0].child.pid },
        { label: 'cluster worker', pid: started[1].child.pid },
        { label: 'cluster gateway', pid: started[2].child.pid },
      ],
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Deletes every Redis key under `prefix` (SCAN + DEL); best effort, Redis may be gone. */
export async function deleteRedisKeys(redisUrl, prefix) {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    /* Redis unreachable: nothing we can clean */
  } finally {
    redis.disconnect();
  }
}
