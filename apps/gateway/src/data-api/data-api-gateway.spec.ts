import { generateApiKey, hashApiKey } from '@portico/auth';
import type { DataApiFacts } from '@portico/contracts';
import { buildEndpoint, buildSnapshot, FakeRegistryClient, SYSTEM_FN } from '../testing/fake-registry-client';
import { send, startGateway, type RunningGateway } from '../testing/gateway-harness';
import { RecordingTransport } from '../testing/recording-transport';

const KEY = generateApiKey();
// The Data API doc's signature vector (reference §3.3): secret 12345 over the compact body.
const SIGNED_BODY =
  '{"dataSource":"mongodb-atlas","database":"learn-data-api","collection":"tasks","filter":{"text":"Do the dishes"}}';
const SIGNATURE = 'sha256=769cd86855787f476afc8b0d2cf9837ab0318181fca42f45f34b6dffd086dfc7';

const dataApi = (over: Partial<DataApiFacts> = {}): DataApiFacts => ({
  versions: ['v1'],
  return_type: 'EJSON',
  create_user_on_auth: false,
  fetch_custom_user_data: false,
  run_as_system: false,
  validation_method: 'NO_VALIDATION',
  has_user_script: false,
  ...over,
});
const keys = [{ id: 'k1', name: 'server', hash: hashApiKey(KEY), disabled: false }];

describe('Data API at the gateway (reference §4)', () => {
  const transport = new RecordingTransport();
  const registry = new FakeRegistryClient([
    buildSnapshot({
      appId: 'app-abcde',
      api_keys: keys,
      data_api: dataApi({ can_evaluate: { '%%true': true } }),
    }),
    buildSnapshot({
      appId: 'system-abcde',
      data_api: dataApi({ run_as_system: true, versions: ['beta'], return_type: 'JSON' }),
    }),
    buildSnapshot({
      appId: 'secret-abcde',
      secrets: { s: '12345' },
      data_api: dataApi({
        run_as_system: true,
        validation_method: 'SECRET_AS_QUERY_PARAM',
        secret_name: 's',
      }),
    }),
    buildSnapshot({
      appId: 'signed-abcde',
      secrets: { s: '12345' },
      data_api: dataApi({ run_as_system: true, validation_method: 'VERIFY_PAYLOAD', secret_name: 's' }),
    }),
    // No Data API: its URL is an ordinary custom route.
    buildSnapshot({
      appId: 'custom-abcde',
      functions: { f: SYSTEM_FN },
      endpoints: [buildEndpoint('/data/v1/action/find', 'f', { http_method: 'POST' })],
    }),
  ]);
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startGateway(registry, transport);
  });
  afterAll(async () => {
    await gateway.close();
  });

  const post = (app: string, path: string, headers: [string, string][], body = '{}') =>
    send(gateway.url, `/app/${app}/endpoint${path}`, { method: 'POST', headers, body });
  const json: [string, string] = ['Content-Type', 'application/json'];

  it('sends a data-api job with the raw body, the action, the expression and the negotiated format', async () => {
    const before = transport.jobs.length;
    const res = await post('app-abcde', '/data/v1/action/find', [json, ['apiKey', KEY]], SIGNED_BODY);
    expect(res.status).toBe(200);
    expect(transport.jobs).toHaveLength(before + 1);
    const job = transport.lastJob;
    expect(job).toMatchObject({
      kind: 'data-api',
      appId: 'app-abcde',
      functionName: 'find',
      dataApi: { action: 'find', version: 'v1' },
      canEvaluate: { '%%true': true },
      responseFormat: 'EJSON',
      endpoint: { route: '/data/v1/action/find', httpMethod: 'POST', respondResult: true },
      user: { id: 'k1', type: 'server' },
      runAsSystem: false,
    });
    expect(Buffer.from(job.request.body!).toString()).toBe(SIGNED_BODY);
    await post('app-abcde', '/data/v1/action/find', [json, ['apiKey', KEY], ['Accept', 'application/json']]);
    expect(transport.lastJob.responseFormat).toBe('JSON');
    await post('system-abcde', '/data/beta/action/insertOne', [['Content-Type', 'application/ejson']]);
    expect(transport.lastJob).toMatchObject({
      responseFormat: 'JSON',
      runAsSystem: true,
      dataApi: { version: 'beta' },
    });
  });

  it('answers the §3.4 auth errors with the Data API run mode', async () => {
    const none = await post('app-abcde', '/data/v1/action/find', [json]);
    expect(none.status).toBe(400);
    expect(none.json).toMatchObject({
      error_code: 'InvalidParameter',
      error: 'no authentication methods were specified',
    });
    const bad = await post('app-abcde', '/data/v1/action/find', [json, ['apiKey', 'wrong']]);
    expect(bad.status).toBe(401);
    expect(bad.json).toMatchObject({ error_code: 'InvalidSession' });
  });

  it('requires POST and a JSON or EJSON Content-Type', async () => {
    const get = await send(gateway.url, '/app/system-abcde/endpoint/data/beta/action/find');
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    const text = await post('system-abcde', '/data/beta/action/find', [['Content-Type', 'text/plain']]);
    expect(text.status).toBe(400);
    expect(text.json).toMatchObject({
      error_code: 'InvalidParameter',
      error: expect.stringContaining('text/plain'),
    });
    const missing = await post('system-abcde', '/data/beta/action/find', []);
    expect(missing.status).toBe(400);
  });

  it('leaves unknown versions and actions, and apps without a Data API, to the custom endpoints', async () => {
    const before = transport.jobs.length;
    expect((await post('system-abcde', '/data/v1/action/find', [json])).status).toBe(404);
    expect((await post('system-abcde', '/data/beta/action/drop', [json])).status).toBe(404);
    expect(transport.jobs).toHaveLength(before);
    const custom = await post('custom-abcde', '/data/v1/action/find', [json]);
    expect(custom.status).toBe(200);
    expect(transport.lastJob.kind).toBeUndefined();
    expect(transport.lastJob.functionName).toBe('f');
  });

  it('checks SECRET_AS_QUERY_PARAM and VERIFY_PAYLOAD (the docs vector over the compact body)', async () => {
    expect((await post('secret-abcde', '/data/v1/action/find', [json])).status).toBe(401);
    expect((await post('secret-abcde', '/data/v1/action/find?secret=nope', [json])).status).toBe(401);
    const ok = await post('secret-abcde', '/data/v1/action/find?secret=12345&x=1', [json]);
    expect(ok.status).toBe(200);
    expect(transport.lastJob.request.rawQueryString).toBe('x=1');

    const signed = await post(
      'signed-abcde',
      '/data/v1/action/find',
      [json, ['Endpoint-Signature', SIGNATURE]],
      SIGNED_BODY,
    );
    expect(signed.status).toBe(200);
    const pretty = JSON.stringify(JSON.parse(SIGNED_BODY), null, 2);
    const wrong = await post(
      'signed-abcde',
      '/data/v1/action/find',
      [json, ['Endpoint-Signature', SIGNATURE]],
      pretty,
    );
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({ error_code: 'IncomingWebhookAuthFailed' });
  });
});
