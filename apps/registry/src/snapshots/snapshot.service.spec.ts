import { asAppId, type DeploymentSpec, type EndpointSpecInput } from '@portico/contracts';
import { EndpointSpecSchema } from '@portico/contracts';
import { DeploymentEvents } from '../deployments/deployment-events.service';
import { DeploymentService } from '../deployments/deployment.service';
import { createInMemoryStore, createTestDeployments } from '../testing/in-memory-store';
import { InProcessRegistryClient } from './in-process-registry-client.service';
import { SnapshotService } from './snapshot.service';

const endpoint = (e: Partial<EndpointSpecInput>) =>
  EndpointSpecSchema.parse({ route: '/a', http_method: 'GET', function_name: 'hook', ...e });

/** An app with a function per run mode, validated endpoints, plain and secret-backed values, keys. */
async function setup() {
  const store = createInMemoryStore();
  const events = new DeploymentEvents();
  const deployments = new DeploymentService(store, events);
  const snapshots = new SnapshotService(store, events);
  const { app } = await deployments.createApp('shop');
  const { current } = await deployments.change(app.id, (spec): DeploymentSpec => ({
    ...spec,
    functions: {
      hook: { source: 'exports = () => "hook"', private: false, run_as_system: true },
      asUser: { source: 'exports = () => 1', private: false, run_as_system: false, run_as_user_id: 'u1' },
      scripted: {
        source: 'exports = () => 2',
        private: true,
        run_as_system: false,
        run_as_user_id_script_source: 'exports = () => "u2"',
      },
    },
    endpoints: [
      endpoint({ validation_method: 'SECRET_AS_QUERY_PARAM', secret_name: 'query_secret' }),
      endpoint({ route: '/b', validation_method: 'VERIFY_PAYLOAD', secret_name: 'unset_secret' }),
      endpoint({ route: '/c', function_name: 'asUser' }),
    ],
    values: {
      plain: { value: { nested: [1, 2] }, from_secret: false },
      fromSecret: { value: 'value_secret', from_secret: true },
      fromUnset: { value: 'never_set', from_secret: true },
    },
    secrets: { query_secret: 'q-s3cret', value_secret: 'v-s3cret', unrelated: 'do-not-leak' },
    api_keys: [
      {
        id: 'k1',
        name: 'server',
        hash: 'ab'.repeat(32),
        disabled: false,
        created_at: '2025-01-01T00:00:00.000Z',
      },
    ],
  }));
  return { store, events, deployments, snapshots, app, current };
}

describe('SnapshotService', () => {
  it('projects routes, limits, run-mode facts and key hashes, with only the secrets endpoints name', async () => {
    const { snapshots, app } = await setup();
    const snapshot = await snapshots.currentSnapshot(app.id);
    expect(snapshot).toMatchObject({ appId: app.id, appName: 'shop', version: 2 });
    expect(snapshot?.endpoints.map((e) => e.route)).toEqual(['/a', '/b', '/c']);
    expect(snapshot?.functions).toEqual({
      hook: { private: false, run_as_system: true, has_user_script: false },
      asUser: { private: false, run_as_system: false, run_as_user_id: 'u1', has_user_script: false },
      scripted: { private: true, run_as_system: false, has_user_script: true },
    });
    expect(snapshot?.secrets).toEqual({ query_secret: 'q-s3cret' });
    expect(snapshot?.api_keys).toEqual([
      { id: 'k1', name: 'server', hash: 'ab'.repeat(32), disabled: false },
    ]);
    expect(JSON.stringify(snapshot)).not.toMatch(/exports =|do-not-leak|v-s3cret/);
  });

  it('resolves values in the bundle: from_secret to the secret, absent while the secret is unset', async () => {
    const { snapshots, app, current } = await setup();
    const bundle = await snapshots.bundle(app.id, 2);
    expect(bundle).toMatchObject({
      appId: app.id,
      appName: 'shop',
      version: 2,
      created_at: current.created_at,
      services: ['mongodb-atlas'],
    });
    expect(bundle?.values).toEqual({ plain: { nested: [1, 2] }, fromSecret: 'v-s3cret' });
    // The effective run mode travels with each function (reference §3.1), for the worker's script
    // mode and for callees of context.functions.execute.
    expect(bundle?.functions).toEqual({
      hook: { source: 'exports = () => "hook"', private: false, run_as_system: true },
      asUser: { source: 'exports = () => 1', private: false, run_as_user_id: 'u1' },
      scripted: {
        source: 'exports = () => 2',
        private: true,
        run_as_user_id_script_source: 'exports = () => "u2"',
      },
    });
    expect(bundle?.dependencies).toBeUndefined();
    expect(JSON.stringify(bundle)).not.toMatch(/do-not-leak|q-s3cret/);
  });

  it('serves an older version exactly as it was, and null for unknown apps or versions', async () => {
    const { snapshots, app } = await setup();
    expect((await snapshots.bundle(app.id, 1))?.functions).toEqual({});
    expect(await snapshots.bundle(app.id, 9)).toBeNull();
    expect(await snapshots.bundle('nope-abcde', 1)).toBeNull();
    expect(await snapshots.currentSnapshot('nope-abcde')).toBeNull();
    expect(await snapshots.currentSnapshot('../etc')).toBeNull();
  });

  it('caches by (appId, version): one store read per version, a new projection after a change', async () => {
    const { snapshots, store, deployments, app } = await setup();
    const reads = jest.spyOn(store.metadata, 'getDeployment');
    const first = await snapshots.currentSnapshot(app.id);
    expect(await snapshots.currentSnapshot(app.id)).toBe(first);
    expect(await snapshots.bundle(app.id, 2)).toBe(await snapshots.bundle(app.id, 2));
    expect(reads).toHaveBeenCalledTimes(2);
    await deployments.change(app.id, (spec) => ({ ...spec, limits: { ...spec.limits, timeout_ms: 1000 } }));
    const next = await snapshots.currentSnapshot(app.id);
    expect(next?.version).toBe(3);
    expect(next?.limits.timeout_ms).toBe(1000);
  });

  it('hands out frozen projections so no caller can corrupt the cache', async () => {
    const { snapshots, app } = await setup();
    const snapshot = await snapshots.currentSnapshot(app.id);
    expect(() => {
      (snapshot as { secrets: Record<string, string> }).secrets.x = 'y';
    }).toThrow(TypeError);
  });

  it('forgets a deleted app', async () => {
    const { snapshots, deployments, app } = await setup();
    await snapshots.bundle(app.id, 2);
    await deployments.deleteApp(app.id);
    expect(await snapshots.bundle(app.id, 2)).toBeNull();
    expect(await snapshots.currentSnapshot(app.id)).toBeNull();
  });
});

describe('InProcessRegistryClient', () => {
  it('answers from the snapshot service and relays deployment events until unsubscribed', async () => {
    const { snapshots, events, deployments, app } = await setup();
    const client = new InProcessRegistryClient(snapshots, events);
    expect((await client.currentSnapshot(app.id))?.version).toBe(2);
    expect((await client.bundle(app.id, 2))?.version).toBe(2);
    const seen: unknown[] = [];
    const unsubscribe = client.onDeploymentChanged((e) => seen.push(e));
    await deployments.change(app.id, (s) => s);
    unsubscribe();
    await deployments.change(app.id, (s) => s);
    expect(seen).toEqual([{ appId: asAppId(app.id), version: 3 }]);
  });
});

describe('SnapshotService with the deployment service (apps older than user tokens)', () => {
  it('gives an app without a token signing key one, as a new version, and serves it', async () => {
    const { store, events, deployments } = createTestDeployments();
    const snapshots = new SnapshotService(store, events, deployments);
    const { app } = await deployments.createApp('legacy');
    // Simulate a deployment stored before the key existed.
    const stored = store.metadata.deployments.get(`${app.id}@1`);
    if (!stored) throw new Error('no deployment');
    delete stored.spec.auth_signing_key;
    const snapshot = await snapshots.currentSnapshot(app.id);
    expect(snapshot?.version).toBe(2);
    expect(snapshot?.auth_signing_key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Later changes keep that key.
    await deployments.change(app.id, (spec) => ({
      ...spec,
      values: { a: { value: 1, from_secret: false } },
    }));
    expect((await snapshots.currentSnapshot(app.id))?.auth_signing_key).toBe(snapshot?.auth_signing_key);
  });
});
