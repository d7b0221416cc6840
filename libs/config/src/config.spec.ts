import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';
import { EnvSchema } from './config.schema';

describe('loadConfig', () => {
  it('gives the documented defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8080, adminPort: 8081, workerHealthPort: 8082 });
    expect(config.store).toEqual({ kind: 'embedded' });
    expect(config.adminToken).toBeUndefined();
    expect(config.sandbox.engine).toBe('isolated-vm');
    expect(config.publicAdminUrl).toBe('http://127.0.0.1:8081');
    expect(config.dataDir).toBe(join(process.cwd(), '.portico'));
  });

  it('selects MongoDB when MONGODB_URI is set', () => {
    expect(loadConfig({ MONGODB_URI: 'mongodb://db:27017' }).store).toEqual({
      kind: 'mongodb',
      uri: 'mongodb://db:27017',
      metadataDb: 'portico',
    });
  });

  it('selects the vm2 sandbox engine, isolated-vm by default', () => {
    expect(loadConfig({}).sandbox.engine).toBe('isolated-vm');
    expect(loadConfig({ SANDBOX_ENGINE: 'vm2' }).sandbox.engine).toBe('vm2');
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ MONGODB_URI: '', PORTICO_ADMIN_TOKEN: '' })).toMatchObject({
      store: { kind: 'embedded' },
      adminToken: undefined,
    });
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        ADMIN_PORT: '70000',
        SANDBOX_ENGINE: 'rhino',
        MONGODB_URI: 'postgres://x',
        PORTICO_ADMIN_TOKEN: 'short',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT=', 'ADMIN_PORT=', 'SANDBOX_ENGINE=', 'MONGODB_URI=', 'PORTICO_ADMIN_TOKEN='])
      expect(problems).toContain(name);
  });

  it('documents every variable in docs/configuration.md', () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'configuration.md'), 'utf8');
    for (const name of Object.keys(EnvSchema.shape)) expect(doc).toContain(`\`${name}\``);
  });
});
