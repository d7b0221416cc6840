import { DEFAULT_LIMITS } from '@portico/contracts';
import { createTestDeployments } from '../testing/in-memory-store';
import { UpdateAppSchema } from './app.dto';
import { AppsService } from './apps.service';

describe('AppsService', () => {
  function setup() {
    const t = createTestDeployments();
    return { ...t, apps: new AppsService(t.store, t.deployments) };
  }

  it('creates, lists, reads with counts, patches limits partially and deletes', async () => {
    const { apps, published, store } = setup();
    const created = await apps.create({ name: 'shop' });
    expect(created).toEqual({
      id: expect.stringMatching(/^shop-[a-z]{5}$/),
      name: 'shop',
      created_at: expect.any(String),
      version: 1,
      limits: DEFAULT_LIMITS,
    });
    expect(await apps.list()).toEqual([
      { id: created.id, name: 'shop', created_at: created.created_at, version: 1 },
    ]);
    expect((await apps.get(created.id)).counts).toEqual({
      functions: 0,
      endpoints: 0,
      values: 0,
      secrets: 0,
      api_keys: 0,
    });

    const patched = await apps.update(created.id, UpdateAppSchema.parse({ limits: { timeout_ms: 5000 } }));
    expect(patched.version).toBe(2);
    expect(patched.limits).toEqual({ ...DEFAULT_LIMITS, timeout_ms: 5000 });
    expect(patched.pool).toBe('default');

    await apps.delete(created.id);
    expect(await apps.list()).toEqual([]);
    expect(store.droppedApps).toEqual([created.id]);
    expect(published.map((e) => e.version)).toEqual([1, 2, null]);
  });

  it('sets the pool and admission limits as a new version, keeping everything else', async () => {
    const { apps, published } = setup();
    const { id } = await apps.create({ name: 'shop' });
    const pooled = await apps.update(id, UpdateAppSchema.parse({ pool: 'gpu-1' }));
    expect(pooled).toMatchObject({ version: 2, pool: 'gpu-1', limits: DEFAULT_LIMITS });
    const limited = await apps.update(
      id,
      UpdateAppSchema.parse({ limits: { rate_per_sec: 50, max_concurrent: 3 } }),
    );
    expect(limited).toMatchObject({
      version: 3,
      pool: 'gpu-1',
      limits: { ...DEFAULT_LIMITS, rate_per_sec: 50, max_concurrent: 3 },
    });
    const unlimited = await apps.update(id, UpdateAppSchema.parse({ limits: { rate_per_sec: null } }));
    expect(unlimited.limits.rate_per_sec).toBeNull();
    expect(unlimited.limits.max_concurrent).toBe(3);
    expect(published.map((e) => e.version)).toEqual([1, 2, 3, 4]);
  });

  it('shows the defaults of limits and pool a stored deployment predates', async () => {
    const { apps, store } = setup();
    const { id } = await apps.create({ name: 'old' });
    const stored = store.metadata.deployments.get(`${id}@1`)!;
    stored.spec.limits = { timeout_ms: 1000, memory_mb: 64, max_request_bytes: 10 };
    delete stored.spec.pool;
    const read = await apps.get(id);
    expect(read.limits).toEqual({
      ...DEFAULT_LIMITS,
      timeout_ms: 1000,
      memory_mb: 64,
      max_request_bytes: 10,
    });
    expect(read.pool).toBe('default');
    const patched = await apps.update(id, UpdateAppSchema.parse({ limits: { max_concurrent: 7 } }));
    expect(store.metadata.deployments.get(`${id}@2`)!.spec.limits).toEqual({
      timeout_ms: 1000,
      memory_mb: 64,
      max_request_bytes: 10,
      rate_per_sec: null,
      max_concurrent: 7,
      egress_allow: [],
      max_response_bytes: 20 * 1024 * 1024,
      cpu_ms: null,
    });
    expect(patched.limits.max_concurrent).toBe(7);
  });

  it('patches egress_allow as a new version', async () => {
    const { apps } = setup();
    const { id } = await apps.create({ name: 'egress' });
    const patched = await apps.update(id, UpdateAppSchema.parse({ limits: { egress_allow: ['127.0.0.1'] } }));
    expect(patched).toMatchObject({ version: 2, limits: { ...DEFAULT_LIMITS, egress_allow: ['127.0.0.1'] } });
    expect((await apps.get(id)).limits.egress_allow).toEqual(['127.0.0.1']);
  });

  it('accepts only known limits of the right type and range', () => {
    expect(UpdateAppSchema.safeParse({ limits: { memory_mb: '350' } }).success).toBe(false);
    expect(UpdateAppSchema.safeParse({ limits: { memory_mb: 1 } }).success).toBe(false);
    expect(UpdateAppSchema.safeParse({ limits: { cpu: 1 } }).success).toBe(false);
    expect(UpdateAppSchema.safeParse({ limits: {} }).success).toBe(true);
    expect(UpdateAppSchema.safeParse({ limits: { rate_per_sec: 0 } }).success).toBe(false);
    expect(UpdateAppSchema.safeParse({ limits: { rate_per_sec: 1.5 } }).success).toBe(false);
    expect(UpdateAppSchema.safeParse({ limits: { max_concurrent: null } }).success).toBe(false);
    expect(UpdateAppSchema.safeParse({ limits: { max_concurrent: 0 } }).success).toBe(false);
    expect(
      UpdateAppSchema.safeParse({
        limits: { egress_allow: ['127.0.0.1', '10.0.0.0/8', 'fd00::/8', '::1', 'api.corp', '*.corp'] },
      }).success,
    ).toBe(true);
    expect(UpdateAppSchema.safeParse({ limits: { egress_allow: ['http://x'] } }).success).toBe(false);
    expect(UpdateAppSchema.safeParse({ limits: { egress_allow: ['10.0.0.0/33'] } }).success).toBe(false);
    expect(UpdateAppSchema.safeParse({ limits: { egress_allow: 'api.corp' } }).success).toBe(false);
    expect(UpdateAppSchema.safeParse({ pool: 'Bad_Pool' }).success).toBe(false);
    expect(UpdateAppSchema.safeParse({ pool: 'x'.repeat(33) }).success).toBe(false);
    expect(UpdateAppSchema.safeParse({}).success).toBe(false);
  });
});
