import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import { hashApiKey } from '@portico/auth';
import { loadConfig } from '@portico/config';
import { DEFAULT_LIMITS, asAppId } from '@portico/contracts';
import { openStore, type Store } from '@portico/store';
import { startRegistry, type RunningRegistry } from './testing/registry-test-app';

const TOKEN = 'test-admin-token-0123456789';

interface Answer {
  status: number;
  headers: Headers;
  text: string;

  body: any;
}

describe('admin REST API over HTTP', () => {
  let dataDir: string;
  let store: Store;
  let registry: RunningRegistry;
  const logged: unknown[][] = [];
  const logger: LoggerService = {
    log: () => undefined,
    warn: () => undefined,
    error: (...args: unknown[]) => logged.push(args),
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'portico-registry-'));
    const config = loadConfig({ PORTICO_DATA_DIR: dataDir, PORTICO_ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'error' });
    store = await openStore(config);
    registry = await startRegistry(config, store, logger);
  });

  afterAll(async () => {
    await registry?.close();
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function call(
    method: string,
    path: string,
    body?: unknown,
    init: { token?: string | null; raw?: string; contentType?: string } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = {};
    const token = init.token === undefined ? TOKEN : init.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const payload = init.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    if (payload !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
    const res = await fetch(`${registry.baseUrl}${path}`, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // non-JSON answers (docs UI) are checked through `text`
    }
    return { status: res.status, headers: res.headers, text, body: parsed };
  }

  const createApp = async (name = 'shop'): Promise<string> => {
    const res = await call('POST', '/admin/v1/apps', { name });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const versionOf = async (appId: string): Promise<number> =>
    (await call('GET', `/admin/v1/apps/${appId}`)).body.version as number;

  describe('auth', () => {
    it('answers /healthz without a token', async () => {
      expect(await call('GET', '/healthz', undefined, { token: null })).toMatchObject({
        status: 200,
        body: { status: 'ok' },
      });
    });

    it.each([
      ['missing', null],
      ['wrong', 'wrong-token-wrong-token'],
      ['prefix of the right', TOKEN.slice(0, 10)],
    ])('refuses a %s token with 401 Unauthorized', async (_label, token) => {
      const res = await call('GET', '/admin/v1/apps', undefined, { token });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: expect.any(String), error_code: 'Unauthorized' });
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    });

    it('refuses a change without a token and writes nothing', async () => {
      const before = (await call('GET', '/admin/v1/apps')).body.length;
      expect((await call('POST', '/admin/v1/apps', { name: 'x' }, { token: null })).status).toBe(401);
      expect((await call('GET', '/admin/v1/apps')).body).toHaveLength(before);
    });
  });

  describe('apps', () => {
    it('creates (201), lists, reads with counts, patches limits and deletes (204)', async () => {
      const created = await call('POST', '/admin/v1/apps', { name: 'My_Shop' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.stringMatching(/^my-shop-[a-z]{5}$/),
        name: 'My_Shop',
        created_at: expect.any(String),
        version: 1,
        limits: DEFAULT_LIMITS,
      });
      const id = created.body.id as string;

      const list = await call('GET', '/admin/v1/apps');
      expect(list.status).toBe(200);
      expect(list.body).toContainEqual({
        id,
        name: 'My_Shop',
        created_at: created.body.created_at,
        version: 1,
      });

      const read = await call('GET', `/admin/v1/apps/${id}`);
      expect(read.body).toMatchObject({
        id,
        version: 1,
        limits: DEFAULT_LIMITS,
        counts: { functions: 0, endpoints: 0, values: 0, secrets: 0, api_keys: 0 },
      });

      const patched = await call('PATCH', `/admin/v1/apps/${id}`, {
        limits: { timeout_ms: 2000, memory_mb: 64 },
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        id,
        version: 2,
        limits: { ...DEFAULT_LIMITS, timeout_ms: 2000, memory_mb: 64 },
      });

      const deleted = await call('DELETE', `/admin/v1/apps/${id}`);
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe('');
      expect((await call('GET', `/admin/v1/apps/${id}`)).status).toBe(404);
    });

    it.each([
      ['missing name', {}, 'name'],
      ['empty name', { name: '' }, 'name'],
      ['name with a space', { name: 'my app' }, 'name'],
      ['name too long', { name: 'a'.repeat(65) }, 'name'],
      ['name of the wrong type', { name: 42 }, 'name'],
    ])('refuses %s with 400 and a per-field message', async (_label, body, field) => {
      const res = await call('POST', '/admin/v1/apps', body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: 'validation failed',
        error_code: 'BadRequest',
        details: { [field]: expect.any(String) },
      });
    });

    it('refuses bad limits (type, range, unknown key) and leaves the version alone', async () => {
      const id = await createApp();
      const bad = await call('PATCH', `/admin/v1/apps/${id}`, {
        limits: { memory_mb: 'lots', timeout_ms: 1, cpu: 2 },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.details).toEqual({
        'limits.memory_mb': expect.any(String),
        'limits.timeout_ms': expect.any(String),
        'limits.cpu': 'unknown field',
      });
      expect((await call('PATCH', `/admin/v1/apps/${id}`, {})).body.details).toEqual({
        limits: expect.any(String),
      });
      expect(await versionOf(id)).toBe(1);
    });

    it('answers 404 NotFound for unknown apps on every app route', async () => {
      for (const [method, path, body] of [
        ['GET', '/admin/v1/apps/nope-abcde'],
        ['PATCH', '/admin/v1/apps/nope-abcde', { limits: {} }],
        ['DELETE', '/admin/v1/apps/nope-abcde'],
        ['GET', '/admin/v1/apps/NOT%20AN%20ID'],
        ['PUT', '/admin/v1/apps/nope-abcde/functions/f', { source: 'x' }],
        ['GET', '/admin/v1/apps/nope-abcde/endpoints'],
        ['GET', '/admin/v1/apps/nope-abcde/logs'],
        ['GET', '/admin/v1/apps/nope-abcde/deployments'],
      ] as const) {
        const res = await call(method, path, body);
        expect({ path, method, status: res.status, code: res.body?.error_code }).toEqual({
          path,
          method,
          status: 404,
          code: 'NotFound',
        });
      }
    });

    it('answers an unknown route with 404 in the same error shape', async () => {
      expect(await call('GET', '/admin/v1/nothing-here')).toMatchObject({
        status: 404,
        body: { error_code: 'NotFound' },
      });
    });
  });

  describe('request bodies', () => {
    it('refuses invalid or empty JSON with 400 BadRequest', async () => {
      for (const raw of ['{"name": ', '']) {
        const res = await call('POST', '/admin/v1/apps', undefined, { raw });
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ error_code: 'BadRequest', error: expect.any(String) });
      }
    });

    it('refuses a body of an unsupported type with 415 and one over 16 MB with 413, in the error shape', async () => {
      const id = await createApp();
      const apps = (await call('GET', '/admin/v1/apps')).body.length;
      for (const contentType of ['application/x-www-form-urlencoded', 'text/plain']) {
        expect(await call('POST', '/admin/v1/apps', undefined, { raw: 'name=x', contentType })).toMatchObject(
          {
            status: 415,
            body: { error_code: 'BadRequest' },
          },
        );
      }
      expect((await call('GET', '/admin/v1/apps')).body).toHaveLength(apps);
      const huge = await call('PUT', `/admin/v1/apps/${id}/functions/f`, {
        source: 'x'.repeat(16 * 1024 * 1024),
      });
      expect(huge).toMatchObject({ status: 413, body: { error_code: 'RequestTooLarge' } });
      expect(await versionOf(id)).toBe(1);
    });

    it('refuses a missing body with 400', async () => {
      expect(await call('POST', '/admin/v1/apps')).toMatchObject({
        status: 400,
        body: { error_code: 'BadRequest' },
      });
    });
  });

  describe('functions', () => {
    it('puts a function by URL-encoded or plain name (201 new, 200 replaced), never echoing the source', async () => {
      const id = await createApp();
      const created = await call('PUT', `/admin/v1/apps/${id}/functions/endpoint%2Fhello%2Flatest`, {
        source: 'exports = () => new Date()',
        run_as_system: true,
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ name: 'endpoint/hello/latest', private: false, run_as_system: true });
      const replaced = await call('PUT', `/admin/v1/apps/${id}/functions/endpoint/hello/latest`, {
        source: 'exports = () => 2',
        private: true,
      });
      expect(replaced.status).toBe(200);
      expect(replaced.text).not.toContain('exports');

      const list = await call('GET', `/admin/v1/apps/${id}/functions`);
      expect(list.body).toEqual([{ name: 'endpoint/hello/latest', private: true, run_as_system: false }]);
      for (const path of ['endpoint%2Fhello%2Flatest', 'endpoint/hello/latest']) {
        expect((await call('GET', `/admin/v1/apps/${id}/functions/${path}`)).body).toMatchObject({
          name: 'endpoint/hello/latest',
          source: 'exports = () => 2',
        });
      }
      expect(await versionOf(id)).toBe(3);
    });

    it('answers 404 for an unknown function', async () => {
      const id = await createApp();
      expect(await call('GET', `/admin/v1/apps/${id}/functions/nope`)).toMatchObject({
        status: 404,
        body: { error_code: 'NotFound' },
      });
      expect((await call('DELETE', `/admin/v1/apps/${id}/functions/nope`)).status).toBe(404);
    });

    it.each([
      ['a ".." segment', 'a%2F..%2Fb', { source: 'x' }, 'name'],
      ['a leading "/"', '%2Fabs', { source: 'x' }, 'name'],
      ['a bad character', 'a%20b', { source: 'x' }, 'name'],
      ['a missing source', 'f', {}, 'source'],
      [
        'both run_as_user_id and its script',
        'f',
        { source: 'x', run_as_user_id: 'u', run_as_user_id_script_source: 'exports = () => "u"' },
        'run_as_user_id_script_source',
      ],
    ])('refuses %s with 400', async (_label, name, body, field) => {
      const id = await createApp();
      const res = await call('PUT', `/admin/v1/apps/${id}/functions/${name}`, body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        error: 'validation failed',
        error_code: 'BadRequest',
        details: { [field]: expect.any(String) },
      });
      expect(await versionOf(id)).toBe(1);
    });

    it('refuses with 409 to delete a function an endpoint uses, and deletes it (204) once free', async () => {
      const id = await createApp();
      await call('PUT', `/admin/v1/apps/${id}/functions/f`, { source: 'x' });
      await call('PUT', `/admin/v1/apps/${id}/endpoints`, [
        { route: '/f', http_method: 'GET', function_name: 'f' },
      ]);
      expect(await call('DELETE', `/admin/v1/apps/${id}/functions/f`)).toMatchObject({
        status: 409,
        body: { error_code: 'Conflict' },
      });
      await call('PUT', `/admin/v1/apps/${id}/endpoints`, []);
      expect((await call('DELETE', `/admin/v1/apps/${id}/functions/f`)).status).toBe(204);
    });
  });

  describe('endpoints', () => {
    const atlasConfig = [
      {
        route: '/hello/latest',
        http_method: 'GET',
        function_name: 'endpoint/hello/latest',
        validation_method: 'NO_VALIDATION',
        respond_result: true,
        fetch_custom_user_data: false,
        create_user_on_auth: true,
        disabled: false,
        return_type: 'EJSON',
      },
      {
        route: '/passwordRequired',
        http_method: 'GET',
        function_name: 'passwordRequired',
        validation_method: 'SECRET_AS_QUERY_PARAM',
        secret_name: 'secret_password',
        respond_result: true,
        fetch_custom_user_data: false,
        create_user_on_auth: true,
        disabled: false,
      },
    ];

    async function appWithFunctions(): Promise<string> {
      const id = await createApp();
      await call('PUT', `/admin/v1/apps/${id}/functions/endpoint%2Fhello%2Flatest`, {
        source: 'x',
        run_as_system: true,
      });
      await call('PUT', `/admin/v1/apps/${id}/functions/passwordRequired`, {
        source: 'y',
        run_as_system: true,
      });
      return id;
    }

    it('stores the Atlas config.json array with its field names, defaults filled in', async () => {
      const id = await appWithFunctions();
      const res = await call('PUT', `/admin/v1/apps/${id}/endpoints`, atlasConfig);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([atlasConfig[0], { ...atlasConfig[1], return_type: 'JSON' }]);
      expect((await call('GET', `/admin/v1/apps/${id}/endpoints`)).body).toEqual(res.body);
      expect(await versionOf(id)).toBe(4);
    });

    it('refuses, per item, unknown functions, duplicate routes and missing secret names, writing nothing', async () => {
      const id = await appWithFunctions();
      const res = await call('PUT', `/admin/v1/apps/${id}/endpoints`, [
        atlasConfig[0],
        { ...atlasConfig[0], http_method: '*' },
        {
          route: '/sig',
          http_method: 'POST',
          function_name: 'passwordRequired',
          validation_method: 'VERIFY_PAYLOAD',
        },
        { route: '/x', http_method: 'GET', function_name: 'ghost' },
      ]);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: 'validation failed',
        error_code: 'BadRequest',
        details: {
          '1.http_method': expect.any(String),
          '2.secret_name': expect.any(String),
          '3.function_name': 'function "ghost" does not exist',
        },
      });
      expect(await versionOf(id)).toBe(3);
      expect((await call('GET', `/admin/v1/apps/${id}/endpoints`)).body).toEqual([]);
    });

    it('refuses malformed items and non-arrays with field paths', async () => {
      const id = await appWithFunctions();
      const res = await call('PUT', `/admin/v1/apps/${id}/endpoints`, [
        { route: 'no-slash', http_method: 'FETCH', function_name: 'passwordRequired' },
      ]);
      expect(res.status).toBe(400);
      expect(Object.keys(res.body.details).sort()).toEqual(['0.http_method', '0.route']);
      expect((await call('PUT', `/admin/v1/apps/${id}/endpoints`, { route: '/a' })).body.details).toEqual({
        '(root)': expect.any(String),
      });
    });
  });

  describe('values and secrets', () => {
    it('puts, lists and deletes values, plain and secret-backed', async () => {
      const id = await createApp();
      expect(await call('PUT', `/admin/v1/apps/${id}/values/scopes`, { value: ['a'] })).toMatchObject({
        status: 200,
        body: { name: 'scopes', value: ['a'], from_secret: false },
      });
      expect(
        (await call('PUT', `/admin/v1/apps/${id}/values/key`, { value: 'notYetSet', from_secret: true }))
          .status,
      ).toBe(200);
      expect((await call('GET', `/admin/v1/apps/${id}/values`)).body).toEqual([
        { name: 'key', value: 'notYetSet', from_secret: true },
        { name: 'scopes', value: ['a'], from_secret: false },
      ]);
      expect((await call('DELETE', `/admin/v1/apps/${id}/values/key`)).status).toBe(204);
      expect((await call('DELETE', `/admin/v1/apps/${id}/values/key`)).status).toBe(404);
      expect(
        (await call('PUT', `/admin/v1/apps/${id}/values/bad`, { value: 1, from_secret: true })).body.details,
      ).toEqual({ value: expect.any(String) });
      expect(
        (await call('PUT', `/admin/v1/apps/${id}/values/bad%20name`, { value: 1 })).body.details,
      ).toEqual({ name: expect.any(String) });
    });

    it('keeps secrets write-only: 201 then 200 with the name only, never readable anywhere', async () => {
      const id = await createApp();
      const secret = 'Super5ecr3tPa55w0rd';
      expect(
        await call('PUT', `/admin/v1/apps/${id}/secrets/secret_password`, { value: secret }),
      ).toMatchObject({ status: 201, body: { name: 'secret_password' } });
      const again = await call('PUT', `/admin/v1/apps/${id}/secrets/secret_password`, { value: secret });
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ name: 'secret_password' });
      await call('PUT', `/admin/v1/apps/${id}/values/pw`, { value: 'secret_password', from_secret: true });
      expect((await call('GET', `/admin/v1/apps/${id}/secrets`)).body).toEqual([{ name: 'secret_password' }]);
      for (const path of [
        '',
        '/secrets',
        '/values',
        '/functions',
        '/endpoints',
        '/deployments',
        '/secrets/secret_password',
      ]) {
        expect((await call('GET', `/admin/v1/apps/${id}${path}`)).text).not.toContain(secret);
      }
      expect((await call('DELETE', `/admin/v1/apps/${id}/secrets/secret_password`)).status).toBe(204);
      expect((await call('GET', `/admin/v1/apps/${id}/secrets`)).body).toEqual([]);
    });

    it('refuses a secret longer than 500 characters or not a string', async () => {
      const id = await createApp();
      expect(await call('PUT', `/admin/v1/apps/${id}/secrets/s`, { value: 'x'.repeat(501) })).toMatchObject({
        status: 400,
        body: { details: { value: expect.any(String) } },
      });
      expect(await call('PUT', `/admin/v1/apps/${id}/secrets/s`, { value: 5 })).toMatchObject({
        status: 400,
        body: { details: { value: expect.any(String) } },
      });
      expect((await call('PUT', `/admin/v1/apps/${id}/secrets/s`, { value: 'x'.repeat(500) })).status).toBe(
        201,
      );
    });
  });

  describe('api keys', () => {
    it('shows a key once (201), stores only its hash, lists without key or hash, deletes (204)', async () => {
      const id = await createApp();
      const created = await call('POST', `/admin/v1/apps/${id}/api-keys`, { name: 'server' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        name: 'server',
        key: expect.stringMatching(/^[A-Za-z0-9]{64}$/),
      });
      const { key } = created.body as { key: string };

      const listed = await call('GET', `/admin/v1/apps/${id}/api-keys`);
      expect(listed.body).toEqual([
        { id: created.body.id, name: 'server', disabled: false, created_at: expect.any(String) },
      ]);
      expect(listed.text).not.toContain(key);
      expect(listed.text).not.toContain(hashApiKey(key));

      const app = await store.metadata.getApp(asAppId(id));
      const deployment = await store.metadata.getDeployment(asAppId(id), app?.version ?? 0);
      expect(deployment?.spec.api_keys[0].hash).toBe(hashApiKey(key));
      expect(JSON.stringify(deployment)).not.toContain(key);

      expect((await call('DELETE', `/admin/v1/apps/${id}/api-keys/${created.body.id}`)).status).toBe(204);
      expect((await call('DELETE', `/admin/v1/apps/${id}/api-keys/${created.body.id}`)).status).toBe(404);
      expect((await call('POST', `/admin/v1/apps/${id}/api-keys`, {})).body.details).toEqual({
        name: expect.any(String),
      });
    });
  });

  describe('logs and deployments', () => {
    it('lists logs newest first with limit and request_id, and refuses a bad limit', async () => {
      const id = await createApp();
      for (let i = 0; i < 3; i++) {
        await store.metadata.appendLog(asAppId(id), {
          id: `l${i}`,
          requestId: `req-${i}`,
          time: new Date(1_700_000_000_000 + i).toISOString(),
          type: 'endpoint',
          method: 'GET',
          route: '/a',
          function_name: 'f',
          status: 200,
          duration_ms: 1,
          logs: [`log: ${i}`],
        });
      }
      expect(
        (await call('GET', `/admin/v1/apps/${id}/logs`)).body.logs.map((l: { id: string }) => l.id),
      ).toEqual(['l2', 'l1', 'l0']);
      expect(
        (await call('GET', `/admin/v1/apps/${id}/logs?limit=1`)).body.logs.map((l: { id: string }) => l.id),
      ).toEqual(['l2']);
      expect(
        (await call('GET', `/admin/v1/apps/${id}/logs?request_id=req-0`)).body.logs.map(
          (l: { id: string }) => l.id,
        ),
      ).toEqual(['l0']);
      for (const limit of ['0', '1001', 'ten']) {
        expect(await call('GET', `/admin/v1/apps/${id}/logs?limit=${limit}`)).toMatchObject({
          status: 400,
          body: { details: { limit: expect.any(String) } },
        });
      }
    });

    it('applies concurrent changes of one app one after another, losing none', async () => {
      const id = await createApp();
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => call('PUT', `/admin/v1/apps/${id}/values/v${i}`, { value: i })),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
      expect(await versionOf(id)).toBe(13);
      expect((await call('GET', `/admin/v1/apps/${id}/values`)).body).toHaveLength(12);
    });

    it('makes a new version for every kind of change and none for a rejected one', async () => {
      const id = await createApp();
      const base = `/admin/v1/apps/${id}`;
      const changes: [string, string, unknown][] = [
        ['PATCH', base, { limits: { memory_mb: 100 } }],
        ['PUT', `${base}/functions/f`, { source: 'x' }],
        ['PUT', `${base}/endpoints`, [{ route: '/f', http_method: 'GET', function_name: 'f' }]],
        ['PUT', `${base}/values/v`, { value: 1 }],
        ['PUT', `${base}/secrets/s`, { value: 's' }],
        ['POST', `${base}/api-keys`, { name: 'k' }],
        ['DELETE', `${base}/values/v`, undefined],
        ['DELETE', `${base}/secrets/s`, undefined],
      ];
      let expected = 1;
      for (const [method, path, body] of changes) {
        const res = await call(method, path, body);
        expect({ method, path, ok: res.status < 300 }).toEqual({ method, path, ok: true });
        expect(await versionOf(id)).toBe(++expected);
      }
      await call('PUT', `${base}/endpoints`, [{ route: '/g', http_method: 'GET', function_name: 'missing' }]);
      await call('PATCH', base, { limits: { memory_mb: -1 } });
      await call('DELETE', `${base}/functions/f`);
      expect(await versionOf(id)).toBe(expected);

      const history = await call('GET', `${base}/deployments`);
      expect(history.status).toBe(200);
      expect(history.body.map((d: { version: number }) => d.version)).toEqual(
        Array.from({ length: expected }, (_, i) => expected - i),
      );
      expect(history.body[0]).toEqual({ version: expected, created_at: expect.any(String) });
    });
  });

  describe('unexpected failures', () => {
    it('answer 500 with a generic message and a correlation id, logged once, no detail leaked', async () => {
      const id = await createApp();
      const spy = jest
        .spyOn(store.metadata, 'getApp')
        .mockRejectedValueOnce(new Error('disk on fire at /var/lib/secret/path'));
      logged.length = 0;
      const res = await call('GET', `/admin/v1/apps/${id}`);
      spy.mockRestore();
      expect(res.status).toBe(500);
      expect(res.body).toEqual({
        error: 'internal server error',
        error_code: 'InternalServerError',
        request_id: expect.any(String),
      });
      expect(res.text).not.toMatch(/disk on fire|secret\/path/);
      expect(logged).toHaveLength(1);
      expect(JSON.stringify(logged[0])).toContain(res.body.request_id);
      expect(JSON.stringify(logged[0])).toContain('disk on fire');
    });
  });

  describe('OpenAPI and docs', () => {
    it('serves an OpenAPI 3 document without a token, listing every route with bodies, responses and the bearer scheme', async () => {
      const res = await call('GET', '/admin/v1/openapi.json', undefined, { token: null });
      expect(res.status).toBe(200);
      const doc = res.body;
      expect(doc.openapi).toMatch(/^3\./);
      expect(doc.components.securitySchemes['admin-token']).toMatchObject({ type: 'http', scheme: 'bearer' });
      const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
        ([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
      );
      expect(routes.sort()).toEqual(
        [
          'GET /healthz',
          'GET /readyz',
          'POST /admin/v1/apps',
          'GET /admin/v1/apps',
          'GET /admin/v1/apps/{appId}',
          'PATCH /admin/v1/apps/{appId}',
          'DELETE /admin/v1/apps/{appId}',
          'PUT /admin/v1/apps/{appId}/functions/{path}',
          'GET /admin/v1/apps/{appId}/functions',
          'GET /admin/v1/apps/{appId}/functions/{path}',
          'DELETE /admin/v1/apps/{appId}/functions/{path}',
          'PUT /admin/v1/apps/{appId}/endpoints',
          'GET /admin/v1/apps/{appId}/endpoints',
          'PUT /admin/v1/apps/{appId}/values/{name}',
          'GET /admin/v1/apps/{appId}/values',
          'DELETE /admin/v1/apps/{appId}/values/{name}',
          'PUT /admin/v1/apps/{appId}/secrets/{name}',
          'GET /admin/v1/apps/{appId}/secrets',
          'DELETE /admin/v1/apps/{appId}/secrets/{name}',
          'POST /admin/v1/apps/{appId}/api-keys',
          'GET /admin/v1/apps/{appId}/api-keys',
          'DELETE /admin/v1/apps/{appId}/api-keys/{id}',
          'GET /admin/v1/apps/{appId}/logs',
          'GET /admin/v1/apps/{appId}/deployments',
          'PUT /admin/v1/apps/{appId}/data-api',
          'GET /admin/v1/apps/{appId}/data-api',
          'DELETE /admin/v1/apps/{appId}/data-api',
          'POST /admin/v1/apps/{appId}/import',
          'GET /admin/v1/apps/{appId}/auth/providers',
          'PUT /admin/v1/apps/{appId}/auth/providers',
          'PUT /admin/v1/apps/{appId}/auth/custom_user_data',
          'GET /admin/v1/apps/{appId}/users',
          'POST /admin/v1/apps/{appId}/users',
          'PATCH /admin/v1/apps/{appId}/users/{userId}',
          'DELETE /admin/v1/apps/{appId}/users/{userId}',
          'DELETE /admin/v1/apps/{appId}/users/{userId}/sessions',
        ].sort(),
      );
      const createApp = doc.paths['/admin/v1/apps'].post;
      expect(createApp.security).toEqual([{ 'admin-token': [] }]);
      expect(createApp.requestBody.content['application/json'].schema).toBeDefined();
      expect(Object.keys(createApp.responses)).toEqual(expect.arrayContaining(['201', '400', '401']));
      expect(
        doc.paths['/admin/v1/apps/{appId}/endpoints'].put.requestBody.content['application/json'].schema,
      ).toMatchObject({ type: 'array' });
      expect(Object.keys(doc.paths['/admin/v1/apps/{appId}/import'].post.requestBody.content)).toEqual(
        expect.arrayContaining(['application/gzip', 'application/zip', 'application/octet-stream']),
      );
      for (const [path, ops] of Object.entries(
        doc.paths as Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>,
      )) {
        const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        for (const [method, op] of Object.entries(ops)) {
          const documented = (op.parameters ?? [])
            .filter((p) => p.in === 'path')
            .map((p) => p.name)
            .sort();
          expect({ method, path, params: documented }).toEqual({ method, path, params: inPath });
        }
      }
      expect(
        doc.paths['/admin/v1/apps/{appId}/logs'].get.parameters.map((p: { name: string }) => p.name),
      ).toEqual(expect.arrayContaining(['appId', 'limit', 'request_id']));
    });

    it('serves the docs UI and its assets from the local swagger-ui-dist package', async () => {
      const page = await call('GET', '/admin/docs', undefined, { token: null });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(page.text).toContain('swagger-ui');
      expect(page.text).not.toMatch(/https?:\/\/(unpkg|cdn|cdnjs)/);
      const bundle = await fetch(`${registry.baseUrl}/admin/docs/swagger-ui-bundle.js`);
      expect(bundle.status).toBe(200);
      await bundle.arrayBuffer();
    });
  });
});
