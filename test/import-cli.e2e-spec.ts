import { createHmac } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPORTS, cliEnv, runCli } from './support/import';
import { StandalonePlatform } from './support/standalone';

const sign = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/**
 * `portico` CLI end to end (issue #5 item 8): `deploy` of the Stitch and mixed fixtures as a child
 * process, the deployed endpoints called over HTTP, apps/secrets/logs/invoke, and the error cases
 * (unreachable server, wrong token, not an export directory, rejected import) with their exit codes.
 */
// Every step spawns a CLI process (about a second each on a busy 2-core machine).
jest.setTimeout(60_000);

describe('portico CLI (standalone, real processes)', () => {
  const platform = new StandalonePlatform();
  let env: Record<string, string>;
  const scratch = mkdtempSync(join(tmpdir(), 'portico-cli-e2e-'));

  beforeAll(async () => {
    await platform.start();
    env = cliEnv(platform);
  }, 30_000);
  afterAll(async () => {
    await platform.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  const createApp = async (name: string): Promise<string> => {
    const run = await runCli(['apps', 'create', name], env);
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout).id as string;
  };

  it('deploys a Stitch export (20180301): its GitHub webhook stores a job through two functions', async () => {
    const appId = await createApp('workerpool');
    const run = await runCli(['deploy', join(EXPORTS, 'stitch-20180301'), '--app', appId], env);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^packed \d+ files \(\d+ bytes\) into a \d+-byte tar.gz$/m);
    expect(run.stderr).toMatch(/uploaded \d+ of \d+ bytes \(100%\)/);
    expect(run.stdout).toContain(`Imported into ${appId}: version 2`);
    expect(run.stdout).toContain('layout:         stitch-20180301');
    expect(run.stdout).toContain('webhooks:       githubTrigger/mongoGithubPushed');
    expect(run.stdout).toContain(
      'services/mongodb-atlas/rules/pool.jobs.json: service rules are out of scope for now',
    );

    const body = JSON.stringify({ after: 'c0ffee', repository: { full_name: 'mongodb/docs-worker-pool' } });
    const url = `${platform.gatewayUrl}/api/client/v2.0/app/${appId}/service/githubTrigger/incoming_webhook/mongoGithubPushed`;
    const res = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'X-Hook-Signature': sign('stitch-hook-secret', body) },
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ queued: 'mongodb/docs-worker-pool', id: 'c0ffee' });
  });

  it('deploys a mixed export with --json: newer root config, both endpoint folders, a free-form data source', async () => {
    const appId = await createApp('allodata');
    const run = await runCli(['deploy', join(EXPORTS, 'mixed'), '--app', appId, '--json'], env);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      ok: true,
      generations: ['realm-20210101', 'appservices-20230101'],
      created: {
        endpoints: ['GET /models', 'GET /descriptor'],
        webhooks: ['ingest/push'],
        data_sources: ['Demo-Cluster'],
      },
    });
    const descriptor = await platform.call(appId, '/descriptor');
    expect(descriptor.json).toEqual({ params: { dims: 3 }, env: 'testing', region: 'us-west-2' });
    expect((await platform.call(appId, '/models')).json).toEqual([]);
    const push = await platform.call(appId, '/ingest/push?n=21', { method: 'PUT' });
    expect(push.status).toBe(200);
    expect(push.json).toEqual({ doubled: { $numberInt: '42' } });

    const invoke = await runCli(['invoke', appId, 'GET', '/descriptor'], env);
    expect(invoke.code).toBe(0);
    expect(invoke.stdout).toMatch(/^HTTP 200\n/);
    const logs = await runCli(['logs', appId, '--limit', '5'], env);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/ 200 GET \/descriptor → descriptor /);
  });

  it('rejects an export with a broken function: exit 1, the file and line, nothing deployed', async () => {
    const appId = await createApp('broken');
    const dir = join(scratch, 'broken');
    cpSync(join(EXPORTS, 'realm-20210101'), dir, { recursive: true });
    writeFileSync(join(dir, 'functions/ping.js'), 'exports = function () {\n  return 1 +;\n};\n');
    const run = await runCli(['deploy', dir, '--app', appId], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`Import into ${appId} REJECTED: nothing was changed`);
    expect(run.stdout).toMatch(/functions\/ping\.js:2: SyntaxError: Unexpected token/);
    expect((await platform.admin('GET', `/apps/${appId}`)).json.version).toBe(1);
  });

  it('lists and deletes apps, and sets a secret from stdin', async () => {
    const appId = await createApp('short-lived');
    expect((await runCli(['secrets', 'set', appId, 'token'], env, 'value-from-stdin\n')).code).toBe(0);
    expect(JSON.parse((await runCli(['secrets', 'list', appId], env)).stdout)).toEqual([{ name: 'token' }]);
    expect((await runCli(['apps', 'list'], env)).stdout).toContain(appId);
    expect(await runCli(['apps', 'delete', appId], env)).toMatchObject({
      code: 0,
      stdout: `deleted ${appId}\n`,
    });
    expect((await runCli(['apps'], env)).stdout).not.toContain(appId);
  });

  it('follows the log: entries that arrive later are printed', async () => {
    const appId = await createApp('follow');
    expect((await runCli(['deploy', join(EXPORTS, 'mixed'), '--app', appId], env)).code).toBe(0);
    const { spawn } = await import('node:child_process');
    const { CLI_ENTRY } = await import('./support/standalone');
    const child = spawn(process.execPath, [CLI_ENTRY, 'logs', appId, '--follow'], {
      env: { ...process.env, ...env },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    try {
      await platform.call(appId, '/descriptor');
      const until = Date.now() + 10_000;
      while (!out.includes('GET /descriptor') && Date.now() < until)
        await new Promise((r) => setTimeout(r, 100));
      expect(out).toMatch(/ 200 GET \/descriptor → descriptor /);
    } finally {
      child.kill();
    }
  });

  describe('errors are one helpful line with a stable exit code', () => {
    it('unreachable server: exit 3', async () => {
      // A port that was just free: nothing listens there.
      const { createServer } = await import('node:net');
      const server = createServer().listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      const { port } = server.address() as { port: number };
      await new Promise((r) => server.close(r));
      const url = `http://127.0.0.1:${port}`;
      const run = await runCli(['apps'], { ...env, PORTICO_ADMIN_URL: url });
      expect(run.code).toBe(3);
      expect(run.stderr).toBe(
        `portico: cannot reach the admin API at ${url} (ECONNREFUSED); is Portico running? (PORTICO_ADMIN_URL)\n`,
      );
    });

    it('wrong token: exit 3', async () => {
      const run = await runCli(['deploy', join(EXPORTS, 'mixed'), '--app', 'x-abcde'], {
        ...env,
        PORTICO_ADMIN_TOKEN: 'wrong',
      });
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(
        /portico: the admin API at \S+ refused the token \(401\); check PORTICO_ADMIN_TOKEN\n$/,
      );
    });

    it('not an export directory: exit 2', async () => {
      const run = await runCli(['deploy', scratch, '--app', 'x-abcde'], env);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        `portico: ${scratch} is not an App Services export directory: it has no stitch.json, realm_config.json or root_config.json\n`,
      );
      const missing = await runCli(['deploy', join(scratch, 'nope'), '--app', 'x-abcde'], env);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/is not a directory/);
    });

    it('the package bin is the CLI: `portico --help` prints the usage and exits 0', async () => {
      const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
        bin: Record<string, string>;
      };
      expect(pkg.bin.portico).toBe('dist/apps/cli/src/main.js');
      expect(
        readFileSync(join(__dirname, '..', pkg.bin.portico), 'utf8').startsWith('#!/usr/bin/env node\n'),
      ).toBe(true);
      const help = await runCli(['--help'], env);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/portico deploy <dir> --app <appId>/);
    });

    it('unknown app: exit 1 with the API message; usage errors: exit 2', async () => {
      const run = await runCli(['deploy', join(EXPORTS, 'mixed'), '--app', 'nope-abcde'], env);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/deploy failed: admin API answered 404: app "nope-abcde" not found/);
      expect((await runCli(['deploy', join(EXPORTS, 'mixed')], env)).code).toBe(2);
      expect((await runCli(['frobnicate'], env)).code).toBe(2);
      expect((await runCli(['apps', '--bogus'], env)).code).toBe(2);
    });
  });
});
