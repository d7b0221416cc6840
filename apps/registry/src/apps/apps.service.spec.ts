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

    await apps.delete(created.id);
    expect(await apps.list()).toEqual([]);
    expect(store.droppedApps).toEqual([created.id]);
    expect(published.map((e) => e.version)).toEqual([1, 2, null]);
  });

  it('accepts only known limits of the right type and range', () => {
    expect(UpdateAppSchema.safeParse({ limits: { memory_mb: '350' } }).success).toBe(false);
    expect(UpdateAppSchema.safeParse({ limits: { memory_mb: 1 } }).success).toBe(false);
    expect(UpdateAppSchema.safeParse({ limits: { cpu: 1 } }).success).toBe(false);
    expect(UpdateAppSchema.safeParse({ limits: {} }).success).toBe(true);
  });
});
