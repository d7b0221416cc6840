import './testing/esm-shims';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Module } from '@nestjs/common';
import { ConfigModule, loadConfig } from '@portico/config';
import { REGISTRY_CLIENT, type RegistryClient } from '@portico/contracts';
import { LoggingModule } from '@portico/logging';
import { StoreModule, openStore, type Store } from '@portico/store';
import pino from 'pino';
import { RegistryModule, createRegistryApp, resolveAdminToken } from './registry.module';

describe('createRegistryApp', () => {
  let dataDir: string;
  let store: Store;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'portico-registry-app-'));
    store = await openStore(loadConfig({ PORTICO_DATA_DIR: dataDir }));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('generates and stores an admin token when none is configured, and guards the API with it', async () => {
    const config = loadConfig({ PORTICO_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    @Module({ imports: [ConfigModule.forRoot(config), StoreModule.forRoot({ store }), RegistryModule] })
    class Root {}
    const app = await createRegistryApp(Root, config);
    try {
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as { port: number };
      const { token, generated } = resolveAdminToken(config);
      expect(generated).toBe(false);
      const url = `http://127.0.0.1:${port}/admin/v1/apps`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it("logs unexpected errors through the root module's structured logger with the err key", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const config = loadConfig({
      PORTICO_DATA_DIR: dataDir,
      PORTICO_ADMIN_TOKEN: 'a-long-enough-admin-token',
    });
    @Module({
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(pino({ level: 'info' }, sink)),
        StoreModule.forRoot({ store }),
        RegistryModule,
      ],
    })
    class Root {}
    const app = await createRegistryApp(Root, config);
    try {
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as { port: number };
      jest.spyOn(store.metadata, 'listApps').mockRejectedValueOnce(new Error('boom'));
      const res = await fetch(`http://127.0.0.1:${port}/admin/v1/apps`, {
        headers: { authorization: 'Bearer a-long-enough-admin-token' },
      });
      const body = (await res.json()) as { request_id: string };
      expect(res.status).toBe(500);
      const errors = lines.filter((l) => l.level === 50);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ requestId: body.request_id, err: { message: 'boom' } });
      expect(app.get<RegistryClient>(REGISTRY_CLIENT)).toBeDefined();
    } finally {
      await app.close();
    }
  });
});
