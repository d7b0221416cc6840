import { createHmac } from 'node:crypto';
import { writeTar } from '../libs/importers/src/testing/tar-writer';
import { zipBomb } from '../libs/importers/src/testing/zip-writer';
import { archiveOf, cliEnv, runCli, upload } from './support/import';
import { StandalonePlatform } from './support/standalone';

const sign = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/**
 * The Atlas importer end to end (issue #5 item 1): each fixture layout imported through the admin API
 * (tar.gz and zip), then called over HTTP against a real standalone process; bad uploads rejected with
 * a report and the app's version unchanged.
 */
describe('Atlas import through the admin API (standalone, real process)', () => {
  const platform = new StandalonePlatform();

  beforeAll(async () => {
    await platform.start();
  }, 30_000);
  afterAll(async () => {
    await platform.stop();
  });

  const version = async (appId: string): Promise<number> =>
    (await platform.admin('GET', `/apps/${appId}`)).json.version;

  describe('an App Services CLI export (20230101) as tar.gz', () => {
    let appId: string;
    let apiKey: string;

    beforeAll(async () => {
      appId = await platform.createApp('shop');
      apiKey = (await platform.admin('POST', `/apps/${appId}/api-keys`, { name: 'ci' })).json.key;
      const res = await upload(platform, appId, await archiveOf('appservices-20230101', 'tar.gz'));
      expect(res.status).toBe(201);
      expect(res.json.report).toMatchObject({ ok: true, version: 3, generations: ['appservices-20230101'] });
    }, 30_000);

    it('reports what it created, what it ignored and the secrets still to set', async () => {
      const again = await upload(platform, appId, await archiveOf('appservices-20230101', 'tar.gz'));
      const { report } = again.json;
      expect(report.created).toMatchObject({
        functions: [
          'auth/login',
          'endpoints/orders/place',
          'greet',
          'hello',
          'helpers/format',
          'secure',
          'whoami',
        ],
        endpoints: ['GET /hello', '* /orders', 'GET /whoami', 'GET /greet', 'GET /secure'],
        values: ['currency', 'paymentKey'],
        auth_providers: ['api-key', 'custom-function', 'custom-token', 'local-userpass'],
        data_api: true,
        data_sources: ['Cluster0'],
        environment: 'production',
        dependencies: { files: 3 },
      });
      expect(report.missing_secrets.map((s: { name: string }) => s.name).sort()).toEqual([
        'endpointSecret',
        'jwt_signing_key',
        'payment_api_key',
      ]);
      const ignored = report.ignored.map((i: { path: string }) => i.path);
      expect(ignored).toEqual(
        expect.arrayContaining([
          'sync/config.json',
          'graphql/config.json',
          'hosting/config.json',
          'triggers/onNewOrder.json',
        ]),
      );
    });

    it('serves values, the active environment and secret-backed values once the secret is set', async () => {
      const before = await platform.call(appId, '/hello?name=ada');
      expect(before.status).toBe(200);
      expect(before.json).toEqual({
        greeting: 'Hello from production',
        environment: 'production',
        currency: 'EUR',
        paymentKeySet: false,
        name: 'ada',
      });
      expect(
        (await platform.admin('PUT', `/apps/${appId}/secrets/payment_api_key`, { value: 'pk_live' })).status,
      ).toBe(201);
      expect((await platform.call(appId, '/hello')).json.paymentKeySet).toBe(true);
    });

    it('resolves the free-form data source name (Cluster0) to the app data, through a private helper', async () => {
      const post = await platform.call(appId, '/orders', {
        method: 'POST',
        body: JSON.stringify({ item: 'tea', qty: 2 }),
        headers: { 'content-type': 'application/json' },
      });
      expect(post.status).toBe(200);
      expect(post.json).toEqual({ count: 1, items: ['2 x tea'] });
      expect((await platform.call(appId, '/orders')).json).toEqual({ count: 1, items: ['2 x tea'] });
    });

    it('keeps the API keys across the import (application auth) and the query secret once set', async () => {
      expect((await platform.call(appId, '/whoami')).status).toBe(400);
      const me = await platform.call(appId, '/whoami', { headers: { apiKey } });
      expect(me.status).toBe(200);
      expect(me.json).toMatchObject({ type: 'server' });
      expect((await platform.call(appId, '/secure?secret=s1')).status).toBe(401);
      await platform.admin('PUT', `/apps/${appId}/secrets/endpointSecret`, { value: 's1' });
      const ok = await platform.call(appId, '/secure?secret=s1&x=1');
      expect(ok.status).toBe(200);
      expect(ok.json).toEqual({ ok: 1, raw: 'x=1' });
    });
  });

  describe('a Realm export (20210101) as zip, with legacy incoming webhooks', () => {
    let appId: string;
    let apiKey: string;

    beforeAll(async () => {
      appId = await platform.createApp('pushpull');
      apiKey = (await platform.admin('POST', `/apps/${appId}/api-keys`, { name: 'ci' })).json.key;
      const res = await upload(platform, appId, await archiveOf('realm-20210101', 'zip'), 'application/zip');
      expect(res.status).toBe(201);
      expect(res.json.report).toMatchObject({
        ok: true,
        generations: ['realm-20210101'],
        created: {
          webhooks: ['http/accepted', 'http/create', 'http/delete', 'http/whoami'],
          environment: 'development',
          data_api: false,
        },
        missing_secrets: [expect.objectContaining({ name: 'webhook-http-delete' })],
      });
    }, 30_000);

    it('serves endpoints with the active environment and EJSON return type', async () => {
      const latest = await platform.call(appId, '/hello/latest');
      expect(latest.status).toBe(200);
      expect(latest.json).toEqual({
        greeting: 'Hello, World!',
        date: { $date: { $numberLong: '1683248523456' } },
        env: 'dev',
      });
      const ping = await platform.call(appId, '/ping', { method: 'POST', body: '{"a":1}' });
      expect(ping.json).toEqual({ pong: { a: 1 } });
    });

    it('verifies X-Hook-Signature over the raw body (reference §3.3 vector) at the endpoint and the legacy path', async () => {
      const body = '{"message":"MESSAGE"}';
      expect(sign('12345', body)).toBe(
        'sha256=828ee180512eaf8a6229eda7eea72323f68e9c0f0093b11a578b0544c5777862',
      );
      const legacy = `${platform.gatewayUrl}/api/client/v2.0/app/${appId}/service/http/incoming_webhook/create`;
      for (const url of [`${platform.gatewayUrl}/app/${appId}/endpoint/http/create`, legacy]) {
        const res = await fetch(url, {
          method: 'POST',
          body,
          headers: { 'X-Hook-Signature': sign('12345', body) },
        });
        expect(res.status).toBe(201);
        // A webhook sends what setBody set, not its return value (reference §2.4).
        expect(await res.json()).toEqual({ created: 'MESSAGE', method: 'POST' });
        const bad = await fetch(url, {
          method: 'POST',
          body,
          headers: { 'X-Hook-Signature': sign('wrong', body) },
        });
        expect(bad.status).toBe(401);
        expect(await bad.json()).toMatchObject({ error_code: 'IncomingWebhookAuthFailed' });
      }
      const notAWebhook = await fetch(
        `${platform.gatewayUrl}/api/client/v2.0/app/${appId}/service/hello/incoming_webhook/latest`,
      );
      expect(notAWebhook.status).toBe(404);
    });

    it('sends a webhook return value only when the function did not use the response object', async () => {
      const res = await platform.call(appId, '/http/accepted', { method: 'POST' });
      expect(res.status).toBe(202);
      expect(res.text).toBe('');
    });

    it('serves the SECRET_AS_QUERY_PARAM webhook with its DELETE method once the secret is set', async () => {
      const legacy = `${platform.gatewayUrl}/api/client/v2.0/app/${appId}/service/http/incoming_webhook/delete`;
      expect((await fetch(`${legacy}?secret=okemo&id=7`, { method: 'DELETE' })).status).toBe(401);
      const set = await runCli(['secrets', 'set', appId, 'webhook-http-delete'], cliEnv(platform), 'okemo\n');
      expect(set).toMatchObject({ code: 0, stdout: 'secret webhook-http-delete set\n' });
      const res = await fetch(`${legacy}?secret=okemo&id=7`, { method: 'DELETE' });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ deleted: '7' });
      expect((await platform.call(appId, '/http/delete?secret=okemo&id=7', { method: 'POST' })).status).toBe(
        405,
      );
    });

    it('accepts the credentials of a run_as_authed_user webhook in the JSON body, not in both places', async () => {
      const legacy = `${platform.gatewayUrl}/api/client/v2.0/app/${appId}/service/http/incoming_webhook/whoami`;
      const res = await fetch(legacy, { method: 'POST', body: JSON.stringify({ 'api-key': apiKey }) });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ type: 'server' });
      const wrong = await fetch(legacy, { method: 'POST', body: JSON.stringify({ 'api-key': 'nope' }) });
      expect(wrong.status).toBe(401);
      const both = await fetch(legacy, {
        method: 'POST',
        body: JSON.stringify({ 'api-key': apiKey }),
        headers: { apiKey },
      });
      expect(both.status).toBe(400);
      expect(await both.json()).toMatchObject({ error_code: 'InvalidParameter' });
    });
  });

  describe.each([
    ['stitch-20180301', ['stitch-20180301'], '/githubTrigger/mongoGithubPushed', 401],
    ['realm-20210101', ['realm-20210101'], '/hello/latest', 200],
    ['appservices-20230101', ['appservices-20230101'], '/hello', 200],
    ['mixed', ['realm-20210101', 'appservices-20230101'], '/descriptor', 200],
  ])('%s', (fixture, generations, route, status) => {
    it.each(['tar.gz', 'zip'] as const)('imports as %s and serves its endpoints', async (kind) => {
      const appId = await platform.createApp(fixture.split('-')[0]);
      const res = await upload(
        platform,
        appId,
        await archiveOf(fixture, kind),
        `application/${kind === 'zip' ? 'zip' : 'gzip'}`,
      );
      expect(res.status).toBe(201);
      expect(res.json.report).toMatchObject({ ok: true, app_id: appId, version: 2, generations, errors: [] });
      // An unsigned POST to the Stitch webhook proves it is routed and guarded; the others answer.
      const call = await platform.call(appId, route, { method: status === 401 ? 'POST' : 'GET' });
      expect(call.status).toBe(status);
    });
  });

  describe('bad uploads are rejected with a report, and nothing is written', () => {
    let appId: string;

    beforeAll(async () => {
      appId = await platform.createApp('bad');
    });

    const rejected = async (body: Uint8Array, contentType = 'application/gzip') => {
      const res = await upload(platform, appId, body, contentType);
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({
        error_code: 'InvalidImport',
        details: { report: { ok: false, app_id: appId } },
      });
      expect(await version(appId)).toBe(1);
      return res.json.details.report.errors;
    };

    it('not an archive', async () => {
      expect(await rejected(Buffer.from('{"hello": "world"}'), 'application/octet-stream')).toEqual([
        { file: '/', message: 'not an archive: expected a tar.gz, tar or zip file' },
      ]);
    });

    it('path traversal entries', async () => {
      const tar = await writeTar([
        { header: { name: 'realm_config.json', type: 'file' }, content: '{}' },
        { header: { name: '../x', type: 'file' }, content: 'evil' },
      ]);
      expect(await rejected(tar)).toEqual([{ file: '../x', message: 'entry path contains ".."' }]);
    });

    it('a 1 GiB zip bomb (about 1 MB uploaded), stopped at the first limit', async () => {
      const errors = await rejected(zipBomb(1), 'application/zip');
      expect(errors).toEqual([
        { file: 'functions/zeros.js', message: `file is larger than ${20 * 1024 * 1024} bytes` },
      ]);
    });

    it('invalid JSON in a config file, and a function that does not parse', async () => {
      const tar = await writeTar([
        { header: { name: 'root_config.json', type: 'file' }, content: '{"name":"x"}' },
        { header: { name: 'functions/ok.js', type: 'file' }, content: 'exports = () => 1;' },
        {
          header: { name: 'functions/broken.js', type: 'file' },
          content: '// one\nexports = function () {\n  return {;\n};\n',
        },
        {
          header: { name: 'values/v.json', type: 'file' },
          content: '{\n  "name": "v",\n  "value": [1, 2,]\n}',
        },
      ]);
      expect(await rejected(tar)).toEqual([
        { file: 'values/v.json', line: 3, message: expect.stringMatching(/^invalid JSON/) },
        { file: 'functions/broken.js', line: 3, message: expect.stringMatching(/^SyntaxError/) },
      ]);
    });

    it('an export without a root config', async () => {
      const tar = await writeTar([
        { header: { name: 'functions/a.js', type: 'file' }, content: 'exports = 1' },
      ]);
      expect((await rejected(tar))[0].message).toMatch(/^not an App Services export/);
    });

    it('a corrupt 20 MB tar.gz (above the 16 MB JSON limit, within the 64 MB upload limit)', async () => {
      const { randomBytes } = await import('node:crypto');
      const corrupt = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), randomBytes(20 * 1024 * 1024)]);
      expect((await rejected(corrupt))[0].message).toMatch(/^not a valid tar.gz archive: /);
    });

    it('an upload over 64 MB is refused with 413 before it is read', async () => {
      // The server answers from the declared length and closes the connection without reading the body,
      // so a client still sending would see EPIPE: announce 65 MB, send 1 MB, and read the answer.
      const { request } = await import('node:http');
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(`${platform.adminUrl}/admin/v1/apps/${appId}/import`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${platform.token}`,
            'content-type': 'application/gzip',
            'content-length': String(65 * 1024 * 1024),
          },
        });
        req.on('response', (res) => {
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
        req.on('error', reject);
        req.write(Buffer.alloc(1024 * 1024, 1));
      });
      expect(status).toBe(413);
      expect(await version(appId)).toBe(1);
    });

    it('the archive content types are refused on the other admin routes', async () => {
      const res = await fetch(`${platform.adminUrl}/admin/v1/apps/${appId}/values/x`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${platform.token}`, 'content-type': 'application/gzip' },
        body: Buffer.from([0x1f, 0x8b]),
      });
      expect(res.status).toBe(415);
    });
  });
});
