import { join } from 'node:path';
import { packDirectory, packTree, readArchive } from '@portico/importers';
import { hashApiKey } from '@portico/auth';
import { createTestDeployments } from '../testing/in-memory-store';
import { checkFunctionSyntax } from './function-syntax.check';
import { ImportService } from './import.service';

const FIXTURES = join(__dirname, '../../../../test/fixtures/atlas-exports');

async function setup() {
  const t = createTestDeployments();
  const { app } = await t.deployments.createApp('imp');
  return { ...t, app, imports: new ImportService(t.deployments) };
}

/** The report of a rejected import (400 InvalidImport, in `details.report`). */
async function rejection(promise: Promise<unknown>): Promise<any> {
  const err: any = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toMatchObject({ code: 'InvalidImport', status: 400 });
  return err.details.report;
}

describe('ImportService', () => {
  it('imports an export as one new version, keeping the app secrets, API keys and limits', async () => {
    const { imports, app, deployments, store } = await setup();
    await deployments.change(app.id, (spec) => ({
      ...spec,
      secrets: { endpointSecret: 's3cret' },
      api_keys: [{ id: 'k1', name: 'ci', hash: hashApiKey('x'.repeat(64)), disabled: false, created_at: '' }],
      limits: { ...spec.limits, timeout_ms: 1234 },
      functions: { old: { source: 'exports = 1', private: false, run_as_system: true } },
    }));
    const report = await imports.import(app.id, await packDirectory(join(FIXTURES, 'appservices-20230101')));
    expect(report).toMatchObject({
      ok: true,
      app_id: app.id,
      version: 3,
      generations: ['appservices-20230101'],
      errors: [],
    });
    expect(report.created).toMatchObject({
      endpoints: ['GET /hello', '* /orders', 'GET /whoami', 'GET /greet', 'GET /secure'],
      values: ['currency', 'paymentKey'],
      auth_providers: ['api-key', 'custom-function', 'custom-token', 'local-userpass'],
      data_api: true,
      data_sources: ['Cluster0'],
      environment: 'production',
      dependencies: { files: 3 },
    });
    expect(report.missing_secrets.map((s) => s.name).sort()).toEqual(['jwt_signing_key', 'payment_api_key']);
    const { spec } = (await deployments.current(app.id)).deployment;
    expect(Object.keys(spec.functions)).not.toContain('old');
    expect(spec.secrets).toEqual({ endpointSecret: 's3cret' });
    expect(spec.api_keys.map((k) => k.id)).toEqual(['k1']);
    expect(spec.limits.timeout_ms).toBe(1234);
    expect(spec.services).toEqual(['Cluster0']);
    expect(store.metadata.commits).toBe(2);
  });

  it('adds inline webhook secrets and drops optional parts a later export does not have', async () => {
    const { imports, app, deployments } = await setup();
    await imports.import(app.id, await packDirectory(join(FIXTURES, 'appservices-20230101')));
    const report = await imports.import(app.id, await packDirectory(join(FIXTURES, 'realm-20210101')));
    expect(report.created.webhooks).toEqual(['http/accepted', 'http/create', 'http/delete', 'http/whoami']);
    expect(report.missing_secrets).toEqual([
      {
        name: 'webhook-http-delete',
        referenced_by: ['http_endpoints/http/incoming_webhooks/delete/config.json: options.secret'],
      },
    ]);
    const { spec } = (await deployments.current(app.id)).deployment;
    expect(spec.secrets).toEqual({ 'webhook-http-create': '12345' });
    expect(spec.dependencies).toBeUndefined();
    expect(spec.custom_user_data).toBeUndefined();
    expect(spec.allowed_request_origins).toBeUndefined();
  });

  it('rejects a function that does not parse, naming its file and line, and writes nothing', async () => {
    const { imports, app, store } = await setup();
    const tree = await readArchive(await packDirectory(join(FIXTURES, 'mixed')));
    tree.set(
      'functions/descriptor.js',
      Buffer.from('exports = function () {\n  return {\n    a: 1\n    b: 2 };\n};\n'),
    );
    const report = await rejection(imports.import(app.id, await packTree(tree)));
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual([
      { file: 'functions/descriptor.js', line: 4, message: expect.stringMatching(/^SyntaxError: /) },
    ]);
    expect(report.created.functions).toContain('descriptor');
    expect(store.metadata.commits).toBe(0);
  });

  it('rejects a body that is not an archive, or none, with a report', async () => {
    const { imports, app } = await setup();
    expect((await rejection(imports.import(app.id, Buffer.from('{"not":"an archive"}')))).errors).toEqual([
      { file: '/', message: 'not an archive: expected a tar.gz, tar or zip file' },
    ]);
    expect((await rejection(imports.import(app.id, undefined))).errors[0].message).toMatch(
      /^send the export as a tar.gz or zip/,
    );
    await expect(imports.import('nope-abcde', Buffer.from('x'))).rejects.toMatchObject({ status: 404 });
  });
});

describe('checkFunctionSyntax', () => {
  it('accepts App Services function bodies (exports =, top-level return) and maps a SyntaxError to its line', () => {
    expect(
      checkFunctionSyntax('exports = async function (a) { return a; };', 'functions/a.js'),
    ).toBeUndefined();
    expect(checkFunctionSyntax('return 1;', 'functions/r.js')).toBeUndefined();
    expect(checkFunctionSyntax('// one\n// two\nexports = (x => ;', 'functions/dir/b.js')).toEqual({
      file: 'functions/dir/b.js',
      line: 3,
      message: expect.stringMatching(/^SyntaxError: Unexpected token/),
    });
  });
});
