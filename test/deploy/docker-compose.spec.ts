import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@portico/config';
import {
  DEPLOY_DIR,
  deployYamlFiles,
  documentedVariables,
  interpolate,
  loadYaml,
} from './support/deploy-files';

/**
 * deploy/docker-compose.yml without a Docker daemon: the file parses, every service is health-checked
 * and started after what it depends on, Redis and MongoDB are configured the way Portico needs, and
 * every Portico service's environment is documented and accepted by libs/config.
 */

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string | number | boolean>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  ports?: string[];
  read_only?: boolean;
  tmpfs?: string[];
  cap_drop?: string[];
}

const [compose] = loadYaml('deploy/docker-compose.yml') as { services: Record<string, ComposeService> }[];
const services = compose.services;
const PORTICO_COMMANDS = ['gateway', 'registry', 'worker', 'standalone'];
const porticoServices = Object.entries(services).filter(([, s]) =>
  PORTICO_COMMANDS.includes(s.command?.[0] ?? ''),
);
/** What `docker compose` would see with the one variable the file requires set. */
const shellEnv = { PORTICO_ADMIN_TOKEN: 'f'.repeat(48) };
const environmentOf = (service: ComposeService, env: Record<string, string> = shellEnv) =>
  Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), env)]),
  );

describe('deploy/ YAML', () => {
  it.each(deployYamlFiles())('%s parses without errors, warnings or duplicate keys', (file) => {
    expect(loadYaml(file).length).toBeGreaterThan(0);
  });
});

describe('deploy/docker-compose.yml', () => {
  it('runs Redis, MongoDB, the registry, two workers and the gateway', () => {
    expect(Object.keys(services).sort()).toEqual(['gateway', 'mongodb', 'redis', 'registry', 'worker']);
    expect(porticoServices.map(([name, s]) => `${name}:${s.command?.[0]}`).sort()).toEqual([
      'gateway:gateway',
      'registry:registry',
      'worker:worker',
    ]);
    expect(services.worker.deploy?.replicas).toBe(2);
  });

  it.each(Object.keys(services))('health-checks %s', (name) => {
    const test = services[name].healthcheck?.test ?? [];
    expect(['CMD', 'CMD-SHELL']).toContain(test[0]);
    expect(test.length).toBeGreaterThan(1);
  });

  it('starts each service after its dependencies are healthy, without cycles', () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string) => {
      if (done.has(name)) return;
      if (visiting.has(name)) throw new Error(`depends_on cycle through ${name}`);
      visiting.add(name);
      for (const [dep, { condition }] of Object.entries(services[name].depends_on ?? {})) {
        expect({ dep, exists: dep in services, condition }).toEqual({
          dep,
          exists: true,
          condition: 'service_healthy',
        });
        visit(dep);
      }
      visiting.delete(name);
      done.add(name);
    };
    for (const name of Object.keys(services)) visit(name);
    // Every Portico service waits for Redis; the gateway also for the registry and the workers.
    for (const [, s] of porticoServices) expect(Object.keys(s.depends_on ?? {})).toContain('redis');
    expect(Object.keys(services.gateway.depends_on ?? {})).toEqual(
      expect.arrayContaining(['registry', 'worker']),
    );
  });

  it('never evicts Redis keys and persists them (AOF)', () => {
    const command = (services.redis.command ?? []).join(' ');
    expect(command).toMatch(/--maxmemory-policy noeviction\b/);
    expect(command).toMatch(/--appendonly yes\b/);
  });

  it('runs MongoDB as a replica set of one that the healthcheck initiates and the URI names', () => {
    const command = services.mongodb.command ?? [];
    const replSet = command[command.indexOf('--replSet') + 1];
    expect(replSet).toMatch(/^\w+$/);
    const check = (services.mongodb.healthcheck?.test ?? []).join(' ');
    expect(check).toContain('rs.initiate(');
    expect(check).toContain(`_id: '${replSet}'`);
    expect(check).toContain(`host: 'mongodb:27017'`);
    expect(check).toMatch(/isWritablePrimary\) quit\(1\)/);
    for (const [, s] of porticoServices) {
      const uri = environmentOf(s).MONGODB_URI;
      if (uri === undefined) continue;
      const url = new URL(uri);
      expect(url.host).toBe('mongodb:27017');
      expect(url.searchParams.get('replicaSet')).toBe(replSet);
    }
  });

  it.each(porticoServices.map(([name]) => name))(
    '%s uses only documented variables that libs/config accepts',
    (name) => {
      const service = services[name];
      const documented = documentedVariables();
      expect(Object.keys(service.environment ?? {}).filter((v) => !documented.has(v))).toEqual([]);
      const config = loadConfig(environmentOf(service));
      expect(config.http.host).toBe('0.0.0.0');
      expect(config.transport.kind).toBe('redis');
      if (config.transport.kind === 'redis') expect(new URL(config.transport.url).hostname).toBe('redis');
      expect(config.store.kind).toBe(name === 'gateway' ? 'embedded' : 'mongodb');
      expect(config.adminToken === undefined).toBe(name !== 'registry');
    },
  );

  it('refuses to start without PORTICO_ADMIN_TOKEN (no default token)', () => {
    expect(() => environmentOf(services.registry, {})).toThrow(/PORTICO_ADMIN_TOKEN/);
  });

  it.each([
    ['gateway', 'PORT', 8080],
    ['registry', 'ADMIN_PORT', 8081],
    ['worker', 'WORKER_HEALTH_PORT', 8082],
  ] as const)('health-checks %s on its own port (%s)', (name, variable, port) => {
    const service = services[name];
    expect(Number(environmentOf(service)[variable] ?? port)).toBe(port);
    expect(service.healthcheck?.test).toEqual([
      'CMD',
      '/usr/local/bin/portico-entrypoint',
      'healthcheck',
      String(port),
      '/readyz',
    ]);
  });

  it.each(porticoServices.map(([name]) => name))('runs %s from deploy/Dockerfile, hardened', (name) => {
    const service = services[name];
    expect(service.build).toBeDefined();
    expect(existsSync(join(DEPLOY_DIR, service.build!.context, service.build!.dockerfile))).toBe(true);
    expect(service.read_only).toBe(true);
    expect(service.tmpfs).toEqual(['/tmp']);
    expect(service.cap_drop).toEqual(['ALL']);
  });

  it('publishes only the data plane and the admin API, on loopback', () => {
    const published = Object.entries(services).flatMap(([name, s]) =>
      (s.ports ?? []).map((p) => `${name} ${p}`),
    );
    expect(published.sort()).toEqual(['gateway 127.0.0.1:8080:8080', 'registry 127.0.0.1:8081:8081']);
  });
});
