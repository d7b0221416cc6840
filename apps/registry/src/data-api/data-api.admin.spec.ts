import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@portico/config';
import { asAppId } from '@portico/contracts';
import { openStore, type Store } from '@portico/store';
import { projectSnapshot } from '../snapshots/snapshot.projection';
import { startRegistry, type RunningRegistry } from '../testing/registry-test-app';

const TOKEN = 'test-admin-token-0123456789';

/** `PUT|GET|DELETE /apps/:appId/data-api` and the `can_evaluate` checks of a deployment, over HTTP. */
describe('Data API settings and can_evaluate validation (admin API)', () => {
  let dataDir: string;
  let store: Store;
  let registry: RunningRegistry;
  let appId: string;

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${registry.baseUrl}/admin/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'portico-data-api-admin-'));
    const config = loadConfig({ PORTICO_DATA_DIR: dataDir, PORTICO_ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'error' });
    store = await openStore(config);
    registry = await startRegistry(config, store);
    appId = (await call('POST', '/apps', { name: 'dapi' })).body.id as string;
  });

  afterAll(async () => {
    await registry?.close();
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores the data_api_config.json of the docs test app with defaults filled, and projects it', async () => {
    expect((await call('GET', `/apps/${appId}/data-api`)).status).toBe(404);
    // DAS:examples/data-api/backend/http_endpoints/data_api_config.json (reference §1.3)
    const put = await call('PUT', `/apps/${appId}/data-api`, {
      disabled: false,
      versions: ['v1'],
      run_as_user_id: '',
      run_as_user_id_script_source: '',
      can_evaluate: {},
      log_function_arguments: true,
      validation_method: '',
      secret_name: '',
      fetch_custom_user_data: false,
      create_user_on_auth: true,
      return_type: 'EJSON',
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      disabled: false,
      versions: ['v1'],
      can_evaluate: {},
      log_function_arguments: true,
      validation_method: 'NO_VALIDATION',
      fetch_custom_user_data: false,
      create_user_on_auth: true,
      run_as_system: false,
      return_type: 'EJSON',
    });
    expect((await call('GET', `/apps/${appId}/data-api`)).body).toEqual(put.body);

    const app = await store.metadata.getApp(asAppId(appId));
    const deployment = await store.metadata.getDeployment(asAppId(appId), app!.version);
    expect(projectSnapshot(app!, deployment!).data_api).toEqual({
      versions: ['v1'],
      can_evaluate: {},
      validation_method: 'NO_VALIDATION',
      fetch_custom_user_data: false,
      create_user_on_auth: true,
      run_as_system: false,
      return_type: 'EJSON',
      has_user_script: false,
    });
  });

  it('refuses bad settings with per-field details', async () => {
    const res = await call('PUT', `/apps/${appId}/data-api`, {
      versions: ['v2'],
      validation_method: 'VERIFY_PAYLOAD',
      can_evaluate: { '%%user.id': { $regex: 'x' } },
    });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual({
      'versions.0': 'unknown version "v2" (v1 or beta)',
      secret_name: 'required when validation_method is VERIFY_PAYLOAD',
      'can_evaluate.%%user.id.$regex': "unknown operator '$regex'",
    });
  });

  it('keeps a disabled Data API out of the snapshot, and DELETE turns it off', async () => {
    expect((await call('PUT', `/apps/${appId}/data-api`, { disabled: true })).status).toBe(200);
    const app = await store.metadata.getApp(asAppId(appId));
    const deployment = await store.metadata.getDeployment(asAppId(appId), app!.version);
    expect(projectSnapshot(app!, deployment!).data_api).toBeUndefined();
    expect((await call('DELETE', `/apps/${appId}/data-api`)).status).toBe(204);
    expect((await call('GET', `/apps/${appId}/data-api`)).status).toBe(404);
    expect((await call('DELETE', `/apps/${appId}/data-api`)).status).toBe(404);
  });

  it('refuses an endpoint or a function whose can_evaluate uses an unknown operator or expansion', async () => {
    const fn = await call('PUT', `/apps/${appId}/functions/f`, {
      source: 'exports = () => 1',
      run_as_system: true,
      can_evaluate: { '%%usr.id': 'x' },
    });
    expect(fn.status).toBe(400);
    expect(fn.body.details).toEqual({ 'functions.f.can_evaluate.%%usr.id': "unknown expansion '%%usr.id'" });

    expect((await call('PUT', `/apps/${appId}/functions/f`, { source: 'exports = () => 1' })).status).toBe(
      201,
    );
    const endpoints = await call('PUT', `/apps/${appId}/endpoints`, [
      { route: '/a', http_method: 'GET', function_name: 'f', can_evaluate: { '%nope': [] } },
    ]);
    expect(endpoints.status).toBe(400);
    expect(endpoints.body.details).toEqual({ '0.can_evaluate.%nope': "unknown operator '%nope'" });
    const ok = await call('PUT', `/apps/${appId}/endpoints`, [
      {
        route: '/a',
        http_method: 'GET',
        function_name: 'f',
        can_evaluate: { '%%request.requestHeaders.x-secret-key': 'my-secret' },
      },
    ]);
    expect(ok.status).toBe(200);
  });
});
