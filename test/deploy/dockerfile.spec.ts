import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, loadYaml } from './support/deploy-files';
import { dockerIgnored, envOf, parseDockerfile, type Stage } from './support/dockerfile';

/**
 * deploy/Dockerfile and deploy/docker-entrypoint.sh without a Docker daemon: lint-like checks of the
 * stages, and the entry point script run for real (with a stand-in `node` that prints its arguments).
 */

const DOCKERFILE = 'deploy/Dockerfile';
const ENTRYPOINT = join(ROOT, 'deploy', 'docker-entrypoint.sh');
const stages = parseDockerfile(DOCKERFILE);
const final = stages[stages.length - 1];
const runs = (stage: Stage) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
const one = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);
/** The four services the image runs, and the built file each starts. */
const COMMANDS: Record<string, string[]> = {
  gateway: ['/app/dist/apps/gateway/src/main.js'],
  registry: ['/app/dist/apps/registry/src/main.js'],
  worker: ['/app/dist/apps/worker/src/main.js'],
  standalone: ['/app/dist/apps/cli/src/main.js', 'dev'],
};

describe('deploy/Dockerfile', () => {
  it('is multi-stage on node:20-bookworm-slim, each stage built on the image or an earlier stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const names: string[] = [];
    for (const stage of stages) {
      expect(['node:20-bookworm-slim', ...names]).toContain(stage.base);
      if (stage.name) names.push(stage.name);
    }
    // The runtime stage starts from the plain base image: no compiler, no build leftovers.
    expect(final.base).toBe('node:20-bookworm-slim');
  });

  it('installs production dependencies with `npm ci --omit=dev` and compiles exactly the allowed addons', () => {
    const prodStage = stages.find((s) => runs(s).some((r) => /\bnpm ci\b.*--omit=dev\b/.test(r)));
    expect(prodStage?.name).toBeDefined();
    // Install scripts run only for the packages package.json allows (npm < 12 would run them all).
    const allowScripts = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
        allowScripts: Record<string, boolean>;
      }
    ).allowScripts;
    const allowed = Object.keys(allowScripts)
      .filter((name) => allowScripts[name])
      .sort();
    const script = runs(prodStage!).join(' && ');
    expect(script).toMatch(/npm ci [^&]*--ignore-scripts/);
    const rebuilt = /npm rebuild ((?:[\w@/.-]+ ?)+)/.exec(script)?.[1].trim().split(' ').sort();
    expect(rebuilt).toEqual(allowed);
    // The toolchain is installed in a build stage the runtime does not inherit from.
    const toolchain = stages.find((s) => runs(s).some((r) => /apt-get install .*\bg\+\+/.test(r)));
    expect(toolchain).toBeDefined();
    expect(toolchain).not.toBe(final);
    // The runtime copies node_modules from that stage and installs nothing itself.
    expect(one(final, 'COPY').map((c) => c.args)).toContain(
      `--from=${prodStage!.name} /app/node_modules ./node_modules`,
    );
    expect(runs(final).join(' ')).not.toMatch(/\bnpm (ci|install|rebuild)\b|g\+\+|build-essential/);
  });

  it('builds dist/ in a stage and copies it into /app', () => {
    const buildStage = stages.find((s) => runs(s).some((r) => /\bnpm run build\b/.test(r)));
    expect(buildStage?.name).toBeDefined();
    expect(one(final, 'WORKDIR').map((w) => w.args)).toEqual(['/app']);
    expect(one(final, 'COPY').map((c) => c.args)).toContain(`--from=${buildStage!.name} /app/dist ./dist`);
  });

  it('runs as a numeric non-root user, the one the Kubernetes manifests run as', () => {
    const users = one(final, 'USER').map((u) => u.args);
    expect(users.length).toBeGreaterThan(0);
    const user = users[users.length - 1];
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(user.split(':')[0]).not.toBe('0');
    const [registry] = loadYaml('deploy/k8s/registry.yaml') as {
      spec: { template: { spec: { securityContext: { runAsUser: number } } } };
    }[];
    expect(user.split(':')[0]).toBe(String(registry.spec.template.spec.securityContext.runAsUser));
  });

  it('binds 0.0.0.0, keeps data in a directory the user owns, exposes the three ports', () => {
    const env = envOf(final);
    expect(env.HOST).toBe('0.0.0.0');
    expect(env.PORTICO_DATA_DIR).toBe('/data');
    const uid = one(final, 'USER').at(-1)!.args.split(':')[0];
    expect(runs(final).join(' ')).toMatch(new RegExp(`chown ${uid}(:\\d+)? ${env.PORTICO_DATA_DIR}\\b`));
    expect(
      one(final, 'EXPOSE')
        .flatMap((e) => e.args.split(' '))
        .sort(),
    ).toEqual(['8080', '8081', '8082']);
  });

  it('starts through the entry point script under tini, standalone by default', () => {
    const entrypoint = JSON.parse(one(final, 'ENTRYPOINT').at(-1)!.args) as string[];
    expect(entrypoint[0]).toBe('/usr/bin/tini');
    const script = entrypoint[entrypoint.length - 1];
    expect(one(final, 'COPY').map((c) => c.args)).toContain(`deploy/docker-entrypoint.sh ${script}`);
    expect(JSON.parse(one(final, 'CMD').at(-1)!.args)).toEqual(['standalone']);
    // The script resolves the services under the runtime's WORKDIR.
    expect(readFileSync(ENTRYPOINT, 'utf8')).toMatch(/^APP_DIR=\/app$/m);
  });

  it('copies only sources that exist and that .dockerignore lets into the context', () => {
    const sources = stages
      .flatMap((s) => one(s, 'COPY'))
      .filter((c) => !c.args.startsWith('--from='))
      .flatMap((c) =>
        c.args
          .split(' ')
          .filter((a) => !a.startsWith('--'))
          .slice(0, -1),
      );
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect({ source, exists: existsSync(join(ROOT, source)), ignored: dockerIgnored(source) }).toEqual({
        source,
        exists: true,
        ignored: false,
      });
    }
    // Local state and other platforms' binaries stay out.
    for (const path of ['node_modules', 'dist', '.portico', '.git', 'libs/store/node_modules', 'deploy/k8s'])
      expect({ path, ignored: dockerIgnored(path) }).toEqual({ path, ignored: true });
  });
});

describe('deploy/docker-entrypoint.sh', () => {
  let fakeBin: string;
  const run = (args: string[]) =>
    spawnSync('sh', [ENTRYPOINT, ...args], {
      encoding: 'utf8',
      env: { PATH: `${fakeBin}:${process.env.PATH ?? ''}` },
      timeout: 10_000,
    });

  beforeAll(() => {
    // A stand-in `node` that prints its arguments, one per line: shows what the script would run.
    fakeBin = mkdtempSync(join(tmpdir(), 'portico-entrypoint-'));
    writeFileSync(join(fakeBin, 'node'), '#!/bin/sh\nprintf "%s\\n" "$@"\n');
    chmodSync(join(fakeBin, 'node'), 0o755);
  });
  afterAll(() => rmSync(fakeBin, { recursive: true, force: true }));

  it.each(Object.entries(COMMANDS))(
    'maps `%s` to %j and passes the other arguments on',
    (command, expected) => {
      const result = run([command, '--extra', 'two words']);
      expect(result.status).toBe(0);
      expect(result.stdout.split('\n').filter(Boolean)).toEqual([...expected, '--extra', 'two words']);
      // The file exists once built: its source is there.
      const source = expected[0].replace('/app/dist/', '').replace(/\.js$/, '.ts');
      expect(existsSync(join(ROOT, source))).toBe(true);
    },
  );

  it.each([[['bogus']], [[]]])('refuses %j with a usage message naming the four commands', (args) => {
    const result = run(args);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage');
    for (const command of Object.keys(COMMANDS))
      expect(result.stderr).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  });

  describe('healthcheck (the docker-compose healthchecks)', () => {
    let server: Server;
    let port: number;
    const realNode = { PATH: process.env.PATH ?? '' };
    const check = (...args: string[]) =>
      new Promise<number | null>((resolve) => {
        // Asynchronous: the server answering the check runs in this process.
        const child = spawn('sh', [ENTRYPOINT, 'healthcheck', ...args], { env: realNode, stdio: 'ignore' });
        child.on('exit', (code) => resolve(code));
      });

    beforeAll(async () => {
      server = createServer((req, res) => {
        res.statusCode = req.url === '/readyz' ? 200 : 503;
        res.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('exits 0 when /readyz answers 2xx', async () => {
      expect(await check(String(port))).toBe(0);
    });

    it('exits 1 on a non-2xx answer', async () => {
      expect(await check(String(port), '/healthz')).toBe(1);
    });

    it('exits 1 when nothing listens', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const freePort = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      expect(await check(String(freePort))).toBe(1);
    });
  });
});
