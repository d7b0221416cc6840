import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_ENTRY, StandalonePlatform } from './support/standalone';

/** The standalone process itself: start-up, config errors, the admin token, admin input checks. */
describe('standalone process', () => {
  it('refuses to start on a bad variable and names it', () => {
    const run = spawnSync(process.execPath, [CLI_ENTRY, 'dev'], {
      env: { PATH: process.env.PATH, PORT: 'eighty', SANDBOX_ENGINE: 'rhino', PORTICO_DATA_DIR: tmpdir() },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('PORT');
    expect(run.stderr).toContain('SANDBOX_ENGINE');
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('generates an admin token when none is set, prints it once, stores it 0600 and reuses it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'portico-token-'));
    try {
      const first = new StandalonePlatform({ PORTICO_ADMIN_TOKEN: '' }, dataDir);
      await first.start();
      const file = join(dataDir, 'admin-token');
      expect(existsSync(file)).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const token = readFileSync(file, 'utf8').trim();
      expect(first.logs).toContain(token);
      expect((await first.admin('GET', '/apps', undefined, { token })).status).toBe(200);
      expect((await first.admin('GET', '/apps', undefined, { token: 'nope' })).status).toBe(401);
      await first.stop();

      const second = new StandalonePlatform({ PORTICO_ADMIN_TOKEN: '' }, dataDir);
      await second.start();
      expect(second.logs).not.toContain(token);
      expect((await second.admin('GET', '/apps', undefined, { token })).status).toBe(200);
      expect(await second.stop()).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  describe('admin input', () => {
    const platform = new StandalonePlatform();
    let appId: string;

    beforeAll(async () => {
      await platform.start();
      appId = await platform.createApp('admin-e2e');
    }, 30_000);
    afterAll(async () => {
      await platform.stop();
    });

    it('creates apps with ids of the form <name>-<5 lowercase letters>', () => {
      expect(appId).toMatch(/^admin-e2e-[a-z]{5}$/);
    });

    it('rejects a missing token with 401 and answers health without one', async () => {
      expect((await platform.admin('GET', '/apps', undefined, { token: null })).status).toBe(401);
      const health = await fetch(`${platform.adminUrl}/healthz`);
      expect(health.status).toBe(200);
    });

    it('answers 400 with a message per field and writes nothing', async () => {
      const before = (await platform.admin('GET', `/apps/${appId}`)).json.version;
      const noName = await platform.admin('POST', '/apps', {});
      expect(noName.status).toBe(400);
      expect(Object.keys(noName.json.details)).toContain('name');
      const badLimits = await platform.admin('PATCH', `/apps/${appId}`, {
        limits: { timeout_ms: 'soon', memory_mb: -1 },
      });
      expect(badLimits.status).toBe(400);
      expect(Object.keys(badLimits.json.details).sort()).toEqual(['limits.memory_mb', 'limits.timeout_ms']);
      const badEndpoints = await platform.admin('PUT', `/apps/${appId}/endpoints`, [
        { route: 'no-slash', http_method: 'GET', function_name: 'missing' },
      ]);
      expect(badEndpoints.status).toBe(400);
      const badJson = await platform.admin('POST', '/apps', undefined, { rawBody: '{"name":' });
      expect(badJson.status).toBe(400);
      expect((await platform.admin('GET', `/apps/${appId}`)).json.version).toBe(before);
    });

    it('answers 404 for unknown apps and resources', async () => {
      expect((await platform.admin('GET', '/apps/nope-abcde')).status).toBe(404);
      expect((await platform.admin('GET', `/apps/${appId}/functions/nope`)).status).toBe(404);
    });

    it('makes a new deployment version for every change and lets limits be patched', async () => {
      const v0 = (await platform.admin('GET', `/apps/${appId}`)).json.version;
      await platform.putFunction(appId, 'f', { source: 'exports = () => 1', run_as_system: true });
      const patched = await platform.admin('PATCH', `/apps/${appId}`, { limits: { timeout_ms: 5000 } });
      expect(patched.status).toBe(200);
      const app = (await platform.admin('GET', `/apps/${appId}`)).json;
      expect(app.version).toBe(v0 + 2);
      expect(app.limits).toEqual({
        timeout_ms: 5000,
        memory_mb: 350,
        max_request_bytes: 18 * 1024 * 1024,
        rate_per_sec: null,
        max_concurrent: 10000,
        egress_allow: [],
        max_response_bytes: 20 * 1024 * 1024,
        cpu_ms: null,
      });
    });

    it('serves the OpenAPI document and the docs UI', async () => {
      const doc = await fetch(`${platform.adminUrl}/admin/v1/openapi.json`);
      expect(doc.status).toBe(200);
      const spec = (await doc.json()) as { paths: Record<string, unknown> };
      expect(Object.keys(spec.paths)).toEqual(
        expect.arrayContaining(['/admin/v1/apps', '/admin/v1/apps/{appId}/endpoints']),
      );
      const ui = await fetch(`${platform.adminUrl}/admin/docs`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain('<html');
    });
  });

  it('exits 0 on SIGTERM', async () => {
    const platform = new StandalonePlatform();
    await platform.start();
    expect(await platform.stop()).toBe(0);
  }, 30_000);
});
