import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@portico/config';
import { DEFAULT_LIMITS } from '@portico/contracts';
import { openStore, type Store } from '@portico/store';
import { SnapshotService } from '../snapshots/snapshot.service';
import { startRegistry, type RunningRegistry } from '../testing/registry-test-app';

const TOKEN = 'test-admin-token-0123456789';

/** `PATCH /admin/v1/apps/:appId` with the admission limits and the worker pool, over real HTTP and SQLite. */
describe('app settings over HTTP (limits.rate_per_sec, limits.max_concurrent, pool)', () => {
  let dataDir: string;
  let store: Store;
  let registry: RunningRegistry;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'portico-app-settings-'));
    const config = loadConfig({ PORTICO_DATA_DIR: dataDir, PORTICO_ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'error' });
    store = await openStore(config);
    registry = await startRegistry(config, store, {
      log: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    });
  });

  afterAll(async () => {
    await registry?.close();
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${registry.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  const createApp = async (): Promise<string> => {
    const res = await call('POST', '/admin/v1/apps', { name: 'shop' });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  it('shows the defaults: unlimited rate, 10000 in flight, pool "default"', async () => {
    const id = await createApp();
    const read = await call('GET', `/admin/v1/apps/${id}`);
    expect(read.body).toMatchObject({
      version: 1,
      pool: 'default',
      limits: { ...DEFAULT_LIMITS, rate_per_sec: null, max_concurrent: 10_000 },
    });
  });

  it('sets rate_per_sec, max_concurrent and pool, each change a new version carried by the snapshot', async () => {
    const id = await createApp();
    const limited = await call('PATCH', `/admin/v1/apps/${id}`, {
      limits: { rate_per_sec: 20, max_concurrent: 4 },
    });
    expect(limited.status).toBe(200);
    expect(limited.body).toMatchObject({
      version: 2,
      pool: 'default',
      limits: { ...DEFAULT_LIMITS, rate_per_sec: 20, max_concurrent: 4 },
    });

    const pooled = await call('PATCH', `/admin/v1/apps/${id}`, { pool: 'big-jobs' });
    expect(pooled.status).toBe(200);
    expect(pooled.body).toMatchObject({ version: 3, pool: 'big-jobs', limits: { rate_per_sec: 20 } });

    const lifted = await call('PATCH', `/admin/v1/apps/${id}`, { limits: { rate_per_sec: null } });
    expect(lifted.body).toMatchObject({ version: 4, pool: 'big-jobs', limits: { rate_per_sec: null } });

    const read = await call('GET', `/admin/v1/apps/${id}`);
    expect(read.body).toMatchObject({ version: 4, pool: 'big-jobs', limits: { max_concurrent: 4 } });

    const snapshot = await registry.app.get(SnapshotService).currentSnapshot(id);
    expect(snapshot).toMatchObject({
      version: 4,
      pool: 'big-jobs',
      limits: { ...DEFAULT_LIMITS, rate_per_sec: null, max_concurrent: 4 },
    });
  });

  it.each([
    [{ limits: { rate_per_sec: 0 } }, 'limits.rate_per_sec'],
    [{ limits: { rate_per_sec: 'fast' } }, 'limits.rate_per_sec'],
    [{ limits: { rate_per_sec: 2.5 } }, 'limits.rate_per_sec'],
    [{ limits: { max_concurrent: 0 } }, 'limits.max_concurrent'],
    [{ limits: { max_concurrent: null } }, 'limits.max_concurrent'],
    [{ limits: { max_concurrent: 2_000_000 } }, 'limits.max_concurrent'],
    [{ pool: 'Big_Jobs' }, 'pool'],
    [{ pool: '' }, 'pool'],
    [{ pool: 'x'.repeat(33) }, 'pool'],
    [{ pool: 7 }, 'pool'],
    [{}, 'limits'],
  ])('refuses %j with 400 BadRequest naming %s, and keeps the version', async (body, field) => {
    const id = await createApp();
    const res = await call('PATCH', `/admin/v1/apps/${id}`, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error_code: 'BadRequest', details: { [field]: expect.any(String) } });
    expect((await call('GET', `/admin/v1/apps/${id}`)).body.version).toBe(1);
  });

  it('describes the new fields in the OpenAPI document', async () => {
    const doc = (await call('GET', '/admin/v1/openapi.json')).body;
    const text = JSON.stringify(doc.components.schemas);
    for (const name of ['rate_per_sec', 'max_concurrent', 'pool']) expect(text).toContain(`"${name}"`);
  });
});
