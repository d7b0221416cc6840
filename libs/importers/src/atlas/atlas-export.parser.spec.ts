import { join } from 'node:path';
import { readArchive } from '../archive/archive.reader';
import { packDirectory } from '../archive/directory.packer';
import type { FileTree } from '../archive/file-tree';
import { NOT_AN_EXPORT, parseAtlasExport } from './atlas-export.parser';

const FIXTURES = join(__dirname, '../../../../test/fixtures/atlas-exports');

/** A fixture as the registry sees it: packed like the CLI does, read back by the safe reader. */
async function fixture(name: string): Promise<FileTree> {
  return readArchive(await packDirectory(join(FIXTURES, name)));
}

const withFile = (tree: FileTree, path: string, content: string): FileTree =>
  new Map(tree).set(path, Buffer.from(content));

describe('parseAtlasExport', () => {
  it('reads an App Services CLI export (20230101) into every part of a deployment', async () => {
    const parsed = parseAtlasExport(await fixture('appservices-20230101'));
    expect(parsed.errors).toEqual([]);
    expect(parsed.generations).toEqual(['appservices-20230101']);
    expect(parsed.clientAppId).toBe('shop-nmxnm');
    const { spec } = parsed;
    expect(Object.keys(spec.functions).sort()).toEqual([
      'auth/login',
      'endpoints/orders/place',
      'greet',
      'hello',
      'helpers/format',
      'secure',
      'whoami',
    ]);
    expect(spec.functions['helpers/format']).toMatchObject({ private: true, run_as_system: false });
    expect(spec.functions['endpoints/orders/place']).toMatchObject({
      run_as_system: true,
      disable_arg_logs: true,
    });
    expect(parsed.functionFiles['endpoints/orders/place']).toBe('functions/endpoints/orders/place.js');
    expect(spec.endpoints.map((e) => `${e.http_method} ${e.route}`)).toEqual([
      'GET /hello',
      '* /orders',
      'GET /whoami',
      'GET /greet',
      'GET /secure',
    ]);
    expect(spec.values).toEqual({
      currency: { value: 'EUR', from_secret: false },
      paymentKey: { value: 'payment_api_key', from_secret: true },
    });
    expect(spec.environment).toEqual({ tag: 'production', values: { greeting: 'Hello from production' } });
    expect(Object.keys(spec.auth_providers ?? {}).sort()).toEqual([
      'api-key',
      'custom-function',
      'custom-token',
      'local-userpass',
    ]);
    expect(spec.auth_providers?.['local-userpass'].config).toMatchObject({ autoConfirm: true });
    expect(spec.custom_user_data).toMatchObject({
      enabled: true,
      mongo_service_name: 'Cluster0',
      collection_name: 'users',
    });
    expect(spec.data_api).toMatchObject({ disabled: false, return_type: 'EJSON', run_as_system: true });
    expect(spec.services).toEqual(['Cluster0']);
    expect(spec.allowed_request_origins).toEqual(['https://shop.example.com']);
    expect(spec.dependencies?.package_json).toMatchObject({ dependencies: { 'tiny-greeter': '1.0.0' } });
    expect(Object.keys(spec.dependencies?.files ?? {}).sort()).toEqual([
      'tiny-greeter/lib/index.js',
      'tiny-greeter/lib/words.json',
      'tiny-greeter/package.json',
    ]);
    expect(parsed.secretRefs).toEqual(
      expect.arrayContaining([
        { name: 'endpointSecret', referenced_by: ['https_endpoints/config.json: GET /secure'] },
        { name: 'payment_api_key', referenced_by: ['values/paymentKey.json'] },
        { name: 'jwt_signing_key', referenced_by: ['auth/providers.json: custom-token'] },
      ]),
    );
    const ignored = new Map(parsed.ignored.map((i) => [i.path, i.reason]));
    expect(ignored.get('sync/config.json')).toMatch(/Sync is out of scope/);
    expect(ignored.get('graphql/config.json')).toMatch(/GraphQL is out of scope/);
    expect(ignored.get('hosting/config.json')).toMatch(/hosting is out of scope/);
    expect(ignored.get('triggers/onNewOrder.json')).toMatch(/triggers are out of scope/);
    expect(ignored.get('data_sources/Cluster0/shop/orders/rules.json')).toMatch(/rules/);
    expect(ignored.get('environments/development.json')).toMatch(/not the active environment/);
    expect(ignored.get('functions/node_modules/')).toMatch(/1 file/);
  });

  it('reads a Realm export (20210101) with legacy incoming webhooks converted to endpoints', async () => {
    const parsed = parseAtlasExport(await fixture('realm-20210101'));
    expect(parsed.errors).toEqual([]);
    expect(parsed.generations).toEqual(['realm-20210101']);
    expect(parsed.clientAppId).toBe('pushpull-abcde');
    expect(parsed.webhooks).toEqual(['http/accepted', 'http/create', 'http/delete', 'http/whoami']);
    const byRoute = new Map(parsed.spec.endpoints.map((e) => [e.route, e]));
    expect(byRoute.get('/ping')).toMatchObject({ http_method: 'POST', return_type: 'JSON' });
    expect(byRoute.get('/http/create')).toEqual({
      route: '/http/create',
      http_method: 'POST',
      function_name: '__webhook/http/create',
      validation_method: 'VERIFY_PAYLOAD',
      secret_name: 'webhook-http-create',
      respond_result: true,
      fetch_custom_user_data: false,
      create_user_on_auth: false,
      disabled: false,
      return_type: 'EJSON',
      webhook: { service: 'http', name: 'create', run_as_authed_user: false },
    });
    expect(byRoute.get('/http/delete')).toMatchObject({
      http_method: 'DELETE',
      validation_method: 'SECRET_AS_QUERY_PARAM',
      secret_name: 'webhook-http-delete',
    });
    expect(parsed.inlineSecrets).toEqual({ 'webhook-http-create': '12345' });
    expect(parsed.secretRefs).toContainEqual({
      name: 'webhook-http-delete',
      referenced_by: ['http_endpoints/http/incoming_webhooks/delete/config.json: options.secret'],
    });
    expect(parsed.spec.functions['__webhook/http/create']).toMatchObject({
      private: true,
      run_as_system: true,
    });
    expect(parsed.spec.functions['__webhook/http/whoami']).toMatchObject({ run_as_system: false });
    expect(parsed.spec.environment).toEqual({ tag: 'development', values: { stage: 'dev' } });
    expect(parsed.spec.values).toEqual({
      stageName: { value: { label: 'Stage', order: [1, 2] }, from_secret: false },
    });
    expect(parsed.spec.data_api).toMatchObject({ disabled: true });
    expect(parsed.spec.services).toEqual(['mongodb-atlas']);
    expect(parsed.ignored.map((i) => i.path)).toEqual(
      expect.arrayContaining(['sync/config.json', 'data_sources/mongodb-atlas/default_rule.json']),
    );
  });

  it('reads a Stitch export (20180301): function folders, services with webhooks and data sources', async () => {
    const parsed = parseAtlasExport(await fixture('stitch-20180301'));
    expect(parsed.errors).toEqual([]);
    expect(parsed.generations).toEqual(['stitch-20180301']);
    expect(Object.keys(parsed.spec.functions).sort()).toEqual([
      '__webhook/githubTrigger/mongoGithubPushed',
      'addJob',
      'getJob',
    ]);
    expect(parsed.functionFiles.getJob).toBe('functions/getJob/source.js');
    expect(parsed.spec.functions.addJob).toMatchObject({ private: true, run_as_system: false });
    expect(parsed.spec.endpoints).toEqual([
      expect.objectContaining({
        route: '/githubTrigger/mongoGithubPushed',
        http_method: 'POST',
        respond_result: false,
        secret_name: 'webhook-githubTrigger-mongoGithubPushed',
      }),
    ]);
    expect(parsed.spec.services).toEqual(['mongodb-atlas']);
    expect(Object.keys(parsed.spec.auth_providers ?? {})).toEqual(['api-key']);
    expect(parsed.spec.environment).toEqual({ tag: '', values: {} });
    expect(parsed.ignored.map((i) => i.path)).toEqual(
      expect.arrayContaining(['services/mongodb-atlas/rules/pool.jobs.json', 'stitch.json#hosting']),
    );
  });

  it('reads a mixed export: both root configs (the newer wins) and both endpoint folders', async () => {
    const parsed = parseAtlasExport(await fixture('mixed'));
    expect(parsed.errors).toEqual([]);
    expect(parsed.generations).toEqual(['realm-20210101', 'appservices-20230101']);
    expect(parsed.spec.environment).toEqual({ tag: 'testing', values: { region: 'us-west-2' } });
    expect(parsed.spec.endpoints.map((e) => `${e.http_method} ${e.route}`)).toEqual([
      'GET /models',
      'GET /descriptor',
      'PUT /ingest/push',
    ]);
    expect(parsed.ignored).toContainEqual({
      path: 'http_endpoints/config.json#0',
      reason: 'GET /models is already defined',
    });
    expect(parsed.ignored).toContainEqual({
      path: 'README.md',
      reason: 'not an App Services configuration file Portico reads',
    });
    expect(parsed.spec.functions.legacyHelper).toMatchObject({ private: true, run_as_system: true });
    expect(parsed.spec.services).toEqual(['Demo-Cluster']);
  });

  it('rejects a tree without a root config, and reports invalid JSON with its file and line', async () => {
    expect(parseAtlasExport(new Map([['functions/a.js', Buffer.from('exports = 1')]])).errors).toEqual([
      { file: '/', message: NOT_AN_EXPORT },
    ]);
    const tree = withFile(
      await fixture('realm-20210101'),
      'values/broken.json',
      '{\n  "name": "x",\n  "value": 1,,\n}',
    );
    const parsed = parseAtlasExport(tree);
    expect(parsed.errors).toEqual([
      { file: 'values/broken.json', line: 3, message: expect.stringMatching(/^invalid JSON/) },
    ]);
  });

  it('reports broken references: an endpoint function, a manifest entry without source, a route served twice', async () => {
    let tree = await fixture('mixed');
    tree = withFile(
      tree,
      'https_endpoints/config.json',
      JSON.stringify([
        { route: '/x', http_method: 'GET', function_name: 'nope' },
        { route: '/ingest/push', http_method: '*', function_name: 'models' },
      ]),
    );
    tree = withFile(tree, 'functions/config.json', JSON.stringify([{ name: 'models' }, { name: 'ghost' }]));
    const messages = parseAtlasExport(tree).errors.map((e) => `${e.file}: ${e.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'functions/config.json: function "ghost" has no source file functions/ghost.js',
        'https_endpoints/config.json: endpoint GET /x: function "nope" does not exist',
        'http_endpoints/ingest/incoming_webhooks/push/config.json: webhook ingest/push: route /ingest/push is also served by endpoint * /ingest/push',
      ]),
    );
  });

  it('rejects a bad endpoint entry and a conflicting run mode with the field named', async () => {
    let tree = await fixture('realm-20210101');
    tree = withFile(
      tree,
      'http_endpoints/config.json',
      JSON.stringify([{ route: 'no-slash', http_method: 'GET', function_name: 'ping' }]),
    );
    tree = withFile(
      tree,
      'functions/config.json',
      JSON.stringify([
        { name: 'ping', run_as_user_id: 'u1', run_as_user_id_script_source: 'exports = () => "u"' },
      ]),
    );
    const errors = parseAtlasExport(tree).errors;
    expect(errors).toContainEqual({
      file: 'http_endpoints/config.json',
      message: 'endpoint 0 route: must begin with "/"',
    });
    expect(errors).toContainEqual({
      file: 'functions/ping.js',
      message: 'function "ping": run_as_user_id and run_as_user_id_script_source exclude each other',
    });
  });
});
