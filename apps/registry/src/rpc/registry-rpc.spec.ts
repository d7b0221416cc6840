import '../testing/esm-shims';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientRedis } from '@nestjs/microservices';
import { RedisRegistryClient } from '@portico/cluster';
import { loadConfig, type PorticoConfig } from '@portico/config';
import { clusterNames, type DeploymentChanged } from '@portico/contracts';
import { openStore, type Store } from '@portico/store';
import Redis from 'ioredis';
import pino from 'pino';
import { firstValueFrom, timeout } from 'rxjs';
import { startRegistry, type RunningRegistry } from '../testing/registry-test-app';
import { connectRegistryRpc } from './connect-registry-rpc';
import {
  SHARED_REDIS_URL,
  deleteKeys,
  uniquePrefix,
} from '../../../../libs/cluster/src/testing/redis.fixtures';

const TOKEN = 'test-admin-token-0123456789';
const silent = pino({ level: 'silent' });

/** Resolves once `predicate` holds, polling every 20 ms; fails after `ms`. */
async function waitFor(predicate: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Like `waitFor`, for an asynchronous condition. */
async function waitForAsync(predicate: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A registry over the embedded store in `dataDir`, with its Redis RPC connected. */
class RegistryUnderTest {
  private running: RunningRegistry | undefined;
  constructor(
    readonly config: PorticoConfig,
    private readonly store: Store,
  ) {}

  async start(): Promise<void> {
    this.running = await startRegistry(this.config, this.store, {
      log: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    });
    await connectRegistryRpc(this.running.app, this.config);
  }

  async stop(): Promise<void> {
    await this.running?.close();
    this.running = undefined;
  }

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    if (!this.running) throw new Error('registry not running');
    const res = await fetch(`${this.running.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  /** Creates an app with one function and one endpoint; returns its id. */
  async createApp(name = 'shop'): Promise<string> {
    const created = await this.call('POST', '/admin/v1/apps', { name });
    const id = created.body.id as string;
    await this.call('PUT', `/admin/v1/apps/${id}/functions/hello`, {
      source: 'exports = () => "hi";',
    });
    await this.call('PUT', `/admin/v1/apps/${id}/endpoints`, [
      { route: '/hello', http_method: 'GET', function_name: 'hello' },
    ]);
    return id;
  }

  async redeploy(appId: string, source: string): Promise<void> {
    const res = await this.call('PUT', `/admin/v1/apps/${appId}/functions/hello`, { source });
    expect(res.status).toBeLessThan(300);
  }
}

interface Installation {
  prefix: string;
  dataDir: string;
  store: Store;
  registry: RegistryUnderTest;
}

async function install(redisUrl: string, prefix = uniquePrefix()): Promise<Installation> {
  const dataDir = mkdtempSync(join(tmpdir(), 'portico-registry-rpc-'));
  const config = loadConfig({
    PORTICO_DATA_DIR: dataDir,
    PORTICO_ADMIN_TOKEN: TOKEN,
    LOG_LEVEL: 'silent',
    REDIS_URL: redisUrl,
    PORTICO_REDIS_PREFIX: prefix,
  });
  const store = await openStore(config);
  const registry = new RegistryUnderTest(config, store);
  await registry.start();
  return { prefix, dataDir, store, registry };
}

async function uninstall(installation: Installation | undefined, redisUrl: string): Promise<void> {
  if (!installation) return;
  await installation.registry.stop();
  await installation.store.close();
  rmSync(installation.dataDir, { recursive: true, force: true });
  await deleteKeys(redisUrl, installation.prefix).catch(() => undefined);
}

describe('registry RPC over Redis', () => {
  let main: Installation;
  let client: RedisRegistryClient;

  beforeAll(async () => {
    main = await install(SHARED_REDIS_URL);
    client = new RedisRegistryClient({
      redisUrl: SHARED_REDIS_URL,
      prefix: main.prefix,
      logger: silent,
      requestTimeoutMs: 500,
    });
  });

  afterAll(async () => {
    await client?.close();
    await uninstall(main, SHARED_REDIS_URL);
  });

  it('answers the current snapshot and the bundle of an app, and null for unknown ones', async () => {
    const appId = await main.registry.createApp();
    const snapshot = await client.currentSnapshot(appId);
    expect(snapshot).toMatchObject({ appId, endpoints: [{ route: '/hello', function_name: 'hello' }] });
    const bundle = await client.bundle(appId, snapshot!.version);
    expect(bundle).toMatchObject({
      appId,
      version: snapshot!.version,
      functions: { hello: { source: 'exports = () => "hi";' } },
    });
    expect(await client.currentSnapshot('nope-abcde')).toBeNull();
    expect(await client.bundle(appId, snapshot!.version + 100)).toBeNull();
    expect(await client.ready()).toBe(true);
  });

  it('answers a malformed request with a BadRequest error instead of hanging', async () => {
    const raw = new ClientRedis({ host: '127.0.0.1', port: 6379 });
    try {
      const answer = firstValueFrom(
        raw
          .send(clusterNames(main.prefix).registryPatterns.bundle, { appId: 'x', version: 'one' })
          .pipe(timeout(2000)),
      );
      await expect(answer).rejects.toMatchObject({ error_code: 'BadRequest' });
    } finally {
      await raw.close();
    }
  });

  it("tells the client's listeners about an admin change within 1 s", async () => {
    const appId = await main.registry.createApp();
    const before = (await client.currentSnapshot(appId))!.version;
    const events: DeploymentChanged[] = [];
    const unsubscribe = client.onDeploymentChanged((e) => events.push(e));
    try {
      const started = Date.now();
      await main.registry.redeploy(appId, 'exports = () => "v2";');
      await waitFor(() => events.some((e) => e.appId === appId && e.version === before + 1), 1000);
      expect(Date.now() - started).toBeLessThan(1000);
      expect((await client.currentSnapshot(appId))!.version).toBe(before + 1);
      expect((await client.bundle(appId, before + 1))!.functions.hello.source).toBe('exports = () => "v2";');

      expect((await main.registry.call('DELETE', `/admin/v1/apps/${appId}`)).status).toBe(204);
      await waitFor(() => events.some((e) => e.appId === appId && e.version === null), 1000);
    } finally {
      unsubscribe();
    }
  });

  it('keeps two prefixes apart: requests and events of one installation never reach the other', async () => {
    const other = await install(SHARED_REDIS_URL);
    const otherClient = new RedisRegistryClient({
      redisUrl: SHARED_REDIS_URL,
      prefix: other.prefix,
      logger: silent,
      requestTimeoutMs: 300,
    });
    // A client whose prefix only extends the main one: exact channel names, no wildcard matching.
    const lookalike = new RedisRegistryClient({
      redisUrl: SHARED_REDIS_URL,
      prefix: `${main.prefix}-x`,
      logger: silent,
      requestTimeoutMs: 300,
    });
    try {
      const mainApp = await main.registry.createApp('main');
      const otherApp = await other.registry.createApp('other');
      expect(await client.currentSnapshot(otherApp)).toBeNull();
      expect(await otherClient.currentSnapshot(mainApp)).toBeNull();
      expect((await otherClient.currentSnapshot(otherApp))!.appId).toBe(otherApp);
      await expect(lookalike.currentSnapshot(mainApp)).rejects.toMatchObject({ code: 'ServiceUnavailable' });

      const seenByMain: DeploymentChanged[] = [];
      const seenByOther: DeploymentChanged[] = [];
      const seenByLookalike: DeploymentChanged[] = [];
      client.onDeploymentChanged((e) => seenByMain.push(e));
      otherClient.onDeploymentChanged((e) => seenByOther.push(e));
      lookalike.onDeploymentChanged((e) => seenByLookalike.push(e));
      await main.registry.redeploy(mainApp, 'exports = () => 2;');
      await waitFor(() => seenByMain.some((e) => e.appId === mainApp), 1000);
      await new Promise((r) => setTimeout(r, 200));
      expect(seenByOther).toEqual([]);
      expect(seenByLookalike).toEqual([]);
    } finally {
      await otherClient.close();
      await lookalike.close();
      await uninstall(other, SHARED_REDIS_URL);
    }
  });

  it('serves the cached snapshot while the registry is down, times out for an uncached app, and recovers', async () => {
    const cachedApp = await main.registry.createApp('cached');
    const uncachedApp = await main.registry.createApp('uncached');
    const snapshot = (await client.currentSnapshot(cachedApp))!;
    await client.bundle(cachedApp, snapshot.version);

    await main.registry.stop();
    try {
      expect(await client.currentSnapshot(cachedApp)).toEqual(snapshot);
      expect((await client.bundle(cachedApp, snapshot.version))!.version).toBe(snapshot.version);
      const started = Date.now();
      await expect(client.currentSnapshot(uncachedApp)).rejects.toMatchObject({
        code: 'ServiceUnavailable',
        status: 503,
        message: 'the registry did not answer within 500 ms',
      });
      expect(Date.now() - started).toBeLessThan(1500);
      await expect(client.bundle(uncachedApp, 1)).rejects.toMatchObject({ code: 'ServiceUnavailable' });
      expect(await client.ready()).toBe(true); // Redis is still there: the gateway stays ready
    } finally {
      await main.registry.start();
    }
    expect((await client.currentSnapshot(uncachedApp))!.appId).toBe(uncachedApp);
    await main.registry.redeploy(cachedApp, 'exports = () => "fresh";');
    expect((await client.currentSnapshot(cachedApp))!.version).toBe(snapshot.version + 1);
  });
});

/** A private Redis on a free port, so a test can take Redis away and bring it back. */
class PrivateRedis {
  private process: ChildProcess | undefined;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async create(): Promise<PrivateRedis> {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    return new PrivateRedis(port);
  }

  async start(): Promise<void> {
    this.process = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const probe = new Redis(this.url, { retryStrategy: () => 50 });
    probe.on('error', () => undefined);
    try {
      await waitFor(() => probe.status === 'ready', 4000);
    } finally {
      probe.disconnect();
    }
  }

  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

describe('registry RPC when Redis goes away', () => {
  let redis: PrivateRedis;
  let installation: Installation | undefined;
  let client: RedisRegistryClient | undefined;

  beforeAll(async () => {
    redis = await PrivateRedis.create();
    await redis.start();
  });

  afterAll(async () => {
    await client?.close();
    await uninstall(installation, redis.url).catch(() => undefined);
    await redis.stop();
  });

  it('serves cached apps during the outage and re-checks them after reconnecting, emitting what changed', async () => {
    installation = await install(redis.url);
    client = new RedisRegistryClient({
      redisUrl: redis.url,
      prefix: installation.prefix,
      logger: silent,
      requestTimeoutMs: 300,
    });
    const appId = await installation.registry.createApp();
    const gone = await installation.registry.createApp('gone');
    const snapshot = (await client.currentSnapshot(appId))!;
    await client.currentSnapshot(gone);
    const events: DeploymentChanged[] = [];
    client.onDeploymentChanged((e) => events.push(e));

    await redis.stop();
    await waitForAsync(async () => !(await client!.ready()), 2000);
    const started = Date.now();
    expect(await client.currentSnapshot(appId)).toEqual(snapshot);
    expect(Date.now() - started).toBeLessThan(1000);

    // Changes made while Redis is away: their events can never reach the client. The registry is
    // restarted too, so nothing it queued survives; only the client's re-check can find them.
    await installation.registry.redeploy(appId, 'exports = () => "during outage";');
    expect((await installation.registry.call('DELETE', `/admin/v1/apps/${gone}`)).status).toBe(204);
    await installation.registry.stop();
    await redis.start();
    await installation.registry.start();

    await waitFor(
      () =>
        events.some((e) => e.appId === appId && e.version === snapshot.version + 1) &&
        events.some((e) => e.appId === gone && e.version === null),
      5000,
    );
    await waitForAsync(() => client!.ready(), 2000);
    expect((await client.currentSnapshot(appId))!.version).toBe(snapshot.version + 1);
  });
});
