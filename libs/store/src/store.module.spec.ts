import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { ConfigModule, loadConfig } from '@portico/config';
import { EmbeddedStore } from './embedded/embedded.store';
import { STORE, type Store } from './store.port';
import { openStore } from './store.factory';
import { StoreModule } from './store.module';

describe('openStore and StoreModule', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'portico-store-module-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const config = () => loadConfig({ PORTICO_DATA_DIR: join(root, 'data'), PORTICO_LOG_RETENTION: '2' });

  it('opens the embedded store in the data dir (created if missing) when MONGODB_URI is unset', async () => {
    const store = await openStore(config());
    try {
      expect(store.kind).toBe('embedded');
      expect(existsSync(join(root, 'data', 'portico.db'))).toBe(true);
      // PORTICO_LOG_RETENTION reaches the adapter.
      const appId = 'mod-abcde' as Parameters<Store['metadata']['listLogs']>[0];
      for (const id of ['a', 'b', 'c']) {
        await store.metadata.appendLog(appId, {
          id,
          requestId: id,
          time: '',
          type: 'endpoint',
          method: 'GET',
          route: '/',
          function_name: 'f',
          status: 200,
          duration_ms: 0,
          logs: [],
        });
      }
      expect((await store.metadata.listLogs(appId, 10)).map((e) => e.id)).toEqual(['c', 'b']);
    } finally {
      await store.close();
    }
  });

  it('provides STORE from PORTICO_CONFIG and closes it on shutdown', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config()), StoreModule.forRoot()],
    }).compile();
    const app = await moduleRef.init();
    const store = app.get<Store>(STORE);
    expect(store).toBeInstanceOf(EmbeddedStore);
    expect((store as EmbeddedStore).sqlite.open).toBe(true);
    await app.close();
    expect((store as EmbeddedStore).sqlite.open).toBe(false);
  });

  it('provides a store it is given and leaves closing it to the caller', async () => {
    const given = EmbeddedStore.open(join(root, 'given'));
    const moduleRef = await Test.createTestingModule({
      imports: [StoreModule.forRoot({ store: given })],
    }).compile();
    const app = await moduleRef.init();
    expect(app.get(STORE)).toBe(given);
    await app.close();
    expect(given.sqlite.open).toBe(true);
    await given.close();
  });
});
