import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EJSON, ObjectId } from 'bson';
import { DEFAULT_LIMITS, type AppId, type FunctionBundle } from '@portico/contracts';
import { EmbeddedStore } from '@portico/store';
import { createDataHostCalls } from './data-host-calls';

const bundle = (appId: string): FunctionBundle => ({
  appId,
  appName: appId,
  version: 1,
  created_at: new Date(0).toISOString(),
  limits: { ...DEFAULT_LIMITS },
  functions: {},
  values: {},
  environment: { tag: '', values: {} },
  services: ['mongodb-atlas', 'Demo-Cluster'],
});
const args = (...values: unknown[]) => EJSON.stringify(values, { relaxed: false });

describe('createDataHostCalls (real embedded store)', () => {
  let dir: string;
  let store: EmbeddedStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'portico-hostcalls-'));
    store = EmbeddedStore.open(dir);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('binds every operation to the bundle app, whatever service name the guest uses', async () => {
    const a = createDataHostCalls(store.data, bundle('app-a-aaaaa'));
    const b = createDataHostCalls(store.data, bundle('app-b-bbbbb'));
    await a({ op: 'mongodb.insertOne', args: args('mongodb-atlas', 'db', 'c', { _id: 1, v: 'a' }) });
    await a({ op: 'mongodb.insertOne', args: args('Demo-Cluster', 'db', 'c', { _id: 2, v: 'a' }) });
    const seenByA = EJSON.parse(
      await a({ op: 'mongodb.find', args: args('mongodb-atlas', 'db', 'c', {}, null, {}) }),
    );
    const seenByB = EJSON.parse(
      await b({ op: 'mongodb.find', args: args('mongodb-atlas', 'db', 'c', {}, null, {}) }),
    );
    expect(seenByA).toHaveLength(2);
    expect(seenByB).toEqual([]);
    expect(await store.data.count('app-a-aaaaa' as AppId, { db: 'db', collection: 'c' }, {})).toBe(2);
  });

  it('turns EJSON option numbers into plain ones (limit, skip, sort direction)', async () => {
    const calls = createDataHostCalls(store.data, bundle('app-a-aaaaa'));
    await calls({
      op: 'mongodb.insertMany',
      args: args('mongodb-atlas', 'db', 'c', [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]),
    });
    const text = await calls({
      op: 'mongodb.find',
      args: args('mongodb-atlas', 'db', 'c', {}, { _id: 0 }, { sort: { n: -1 }, skip: 1, limit: 2 }),
    });
    expect(EJSON.parse(text)).toEqual([{ n: 3 }, { n: 2 }]);
  });

  it('answers canonical EJSON so BSON types survive', async () => {
    const calls = createDataHostCalls(store.data, bundle('app-a-aaaaa'));
    const id = new ObjectId();
    await calls({
      op: 'mongodb.insertOne',
      args: args('mongodb-atlas', 'db', 'c', { _id: id, at: new Date(5) }),
    });
    const text = await calls({ op: 'mongodb.findOne', args: args('mongodb-atlas', 'db', 'c', { _id: id }) });
    expect(text).toContain(`{"$oid":"${id.toHexString()}"}`);
    expect(text).toContain('{"$date":{"$numberLong":"5"}}');
  });

  it('refuses unknown services, unknown operations and bad namespaces', async () => {
    const calls = createDataHostCalls(store.data, bundle('app-a-aaaaa'));
    await expect(calls({ op: 'mongodb.find', args: args('other-cluster', 'db', 'c', {}) })).rejects.toThrow(
      "no service named 'other-cluster'",
    );
    await expect(
      calls({ op: 'mongodb.dropDatabase', args: args('mongodb-atlas', 'db', 'c') }),
    ).rejects.toThrow('unsupported operation');
    await expect(calls({ op: 'mongodb.find', args: args('mongodb-atlas', '', 'c', {}) })).rejects.toThrow(
      'non-empty strings',
    );
    await expect(calls({ op: 'mongodb.find', args: '{"not":"an array"}' })).rejects.toThrow(
      'must be an array',
    );
  });

  it('lists the app databases and collections', async () => {
    const calls = createDataHostCalls(store.data, bundle('app-a-aaaaa'));
    await calls({ op: 'mongodb.insertOne', args: args('mongodb-atlas', 'shop', 'items', { x: 1 }) });
    expect(EJSON.parse(await calls({ op: 'mongodb.getDBNames', args: args('mongodb-atlas') }))).toEqual([
      'shop',
    ]);
    expect(
      EJSON.parse(await calls({ op: 'mongodb.getCollectionNames', args: args('mongodb-atlas', 'shop') })),
    ).toEqual(['items']);
  });
});
