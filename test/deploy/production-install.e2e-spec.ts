import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceProcess } from '../support/service-process';
import { PlatformUnderTest } from '../support/standalone';
import { ROOT } from './support/deploy-files';

/**
 * What the image's `npm ci --omit=dev` stage produces is enough to run Portico: production dependencies
 * are installed into a temporary copy of the project (from the npm cache; install scripts skipped), the
 * native addons already built in this checkout are copied in (same Node ABI, so no minutes-long compile;
 * the image compiles them itself), then dist/ — and standalone mode starts from there and serves a
 * function endpoint. A runtime import of a dev dependency would fail here.
 */

/** Native build output of the packages package.json "allowScripts" lets compile (see deploy/Dockerfile). */
const NATIVE_OUTPUTS = [join('better-sqlite3', 'build'), join('isolated-vm', 'out')];

/**
 * Runs a command to completion without blocking the event loop; rejects with its output on failure.
 * Under `npm test` the environment carries npm_* settings of this checkout: they are dropped, so the
 * install sees only the temporary project (its cwd) and never this repository's shared node_modules.
 */
function exec(command: string, args: string[], cwd: string): Promise<void> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`)),
    );
  });
}

/** Standalone Portico started from an installed copy of the project instead of this checkout. */
class InstalledStandalone extends PlatformUnderTest {
  private readonly process: ServiceProcess;

  constructor(appDir: string, dataDir: string) {
    super();
    this.process = new ServiceProcess(
      join(appDir, 'dist', 'apps', 'cli', 'src', 'main.js'),
      ['dev'],
      {
        HOST: '127.0.0.1',
        PORT: '0',
        ADMIN_PORT: '0',
        PORTICO_DATA_DIR: dataDir,
        PORTICO_ADMIN_TOKEN: this.token,
        PORTICO_SANDBOX_PROCESSES: '2',
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
      },
      ['registry', 'gateway'],
    );
  }

  get output(): string {
    return this.process.output;
  }

  async start(): Promise<this> {
    await this.process.start(30_000);
    this.adminUrl = this.process.urls.registry;
    this.gatewayUrl = this.process.urls.gateway;
    return this;
  }

  stop(): Promise<number | null> {
    return this.process.stop();
  }
}

describe('the production install (npm ci --omit=dev) runs standalone Portico', () => {
  const work = mkdtempSync(join(tmpdir(), 'portico-prod-install-'));
  const appDir = join(work, 'app');
  const dataDir = join(work, 'data');
  let platform: InstalledStandalone | undefined;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js')))
      throw new Error('dist/ is missing: run `npm run build` first (npm test does it)');
    cpSync(join(ROOT, 'package.json'), join(appDir, 'package.json'));
    copyFileSync(join(ROOT, 'package-lock.json'), join(appDir, 'package-lock.json'));
    await exec(
      'npm',
      [
        'ci',
        '--prefix',
        appDir,
        '--omit=dev',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
      ],
      appDir,
    );
    for (const output of NATIVE_OUTPUTS)
      cpSync(join(ROOT, 'node_modules', output), join(appDir, 'node_modules', output), { recursive: true });
    cpSync(join(ROOT, 'dist'), join(appDir, 'dist'), { recursive: true });
    platform = await new InstalledStandalone(appDir, dataDir).start();
  }, 180_000);

  afterAll(async () => {
    if (platform) expect(await platform.stop()).toBe(0);
    rmSync(work, { recursive: true, force: true });
  }, 30_000);

  it('installed no dev dependency', () => {
    for (const dev of ['typescript', 'jest', '@nestjs/testing', '@swc/core', 'kubernetes-models'])
      expect({ dev, installed: existsSync(join(appDir, 'node_modules', dev)) }).toEqual({
        dev,
        installed: false,
      });
  });

  it('answers /healthz and /readyz on both ports', async () => {
    for (const base of [platform!.gatewayUrl, platform!.adminUrl]) {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
    }
  });

  it('passes the image healthcheck (deploy/docker-entrypoint.sh healthcheck)', () => {
    const port = new URL(platform!.gatewayUrl).port;
    const check = spawnSync('sh', [join(ROOT, 'deploy', 'docker-entrypoint.sh'), 'healthcheck', port], {
      env: { PATH: process.env.PATH ?? '' },
      timeout: 10_000,
    });
    expect(check.status).toBe(0);
  });

  it('deploys and serves a hello endpoint in a sandbox', async () => {
    const appId = await platform!.createApp('hello');
    await platform!.putFunction(appId, 'greet', {
      run_as_system: true,
      source: 'exports = function({ query }) { return { greeting: `Hello, ${query.name ?? "world"}!` }; }',
    });
    await platform!.putEndpoints(appId, [
      {
        route: '/greet',
        http_method: 'GET',
        function_name: 'greet',
        validation_method: 'NO_VALIDATION',
        respond_result: true,
        return_type: 'JSON',
      },
    ]);
    const res = await platform!.call(appId, '/greet?name=Portico');
    expect({
      status: res.status,
      body: res.json,
      output: res.status === 200 ? '' : platform!.output,
    }).toEqual({
      status: 200,
      body: { greeting: 'Hello, Portico!' },
      output: '',
    });
  });
});
