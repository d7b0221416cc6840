import { randomBytes } from 'node:crypto';
import { Binary, BSONRegExp, Decimal128, Double, EJSON, Int32, Long, MaxKey, MinKey, ObjectId } from 'bson';
import {
  DEFAULT_LIMITS,
  ErrorCode,
  PorticoError,
  asAppId,
  type AppId,
  type DeploymentSpec,
  type InvocationLogEntry,
} from '@portico/contracts';
import type { Doc, Namespace, Store } from '../store.port';
import { DEPLOYMENT_RETENTION } from '../store.constants';
import { describeUserContract } from './user-contract';

/** What the contract suite needs from an adapter under test. */
export interface StoreContractTarget {
  /**
   * Opens a store on the backing under test. Every call must reach the same data (the suite opens
   * two to check that writes are shared and that concurrent commits conflict).
   */
  open(options: { logRetention: number }): Promise<Store>;
}

/** Small, so retention is observable without thousands of writes. */
export const CONTRACT_LOG_RETENTION = 5;

const letters = (n: number): string =>
  Array.from(randomBytes(n), (b) => String.fromCharCode(97 + (b % 26))).join('');

/** A fresh app id per test: tests never share data, and leftovers of an earlier run never match. */
const newAppId = (): AppId => asAppId(`ct${letters(6)}-${letters(5)}`);

/** Canonical EJSON as plain JSON: `toEqual` on it compares values AND their exact BSON types. */
const exact = (value: unknown): unknown => JSON.parse(EJSON.stringify(value, { relaxed: false })) as unknown;

/** Relaxed EJSON as plain JSON: numbers as numbers, whatever their BSON type. */
const relaxed = (value: unknown): unknown => JSON.parse(EJSON.stringify(value, { relaxed: true })) as unknown;

const num = (value: unknown): number => Number(String(value));

async function expectError(
  promise: Promise<unknown>,
  code: ErrorCode,
  status: number,
): Promise<PorticoError> {
  const err = await promise.then(
    () => {
      throw new Error(`expected a PorticoError ${code}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PorticoError);
  expect(err).toMatchObject({ code, status });
  return err as PorticoError;
}

const spec = (marker: string): DeploymentSpec => ({
  limits: { ...DEFAULT_LIMITS },
  functions: {
    // Names a tenant may choose: `/` and `.` in keys must survive.
    'orders/v1.list': { source: `exports = () => '${marker}'`, private: false, run_as_system: true },
  },
  endpoints: [
    {
      route: '/orders',
      http_method: 'GET',
      function_name: 'orders/v1.list',
      validation_method: 'NO_VALIDATION',
      respond_result: true,
      fetch_custom_user_data: false,
      create_user_on_auth: false,
      disabled: false,
      return_type: 'JSON',
    },
  ],
  values: { 'cfg.$mode': { value: { $weird: [1, 'two'] }, from_secret: false } },
  secrets: { 'key.with.dots': 's3cret' },
  api_keys: [],
  environment: { tag: 'dev', values: { marker } },
});

const logEntry = (n: number): InvocationLogEntry => ({
  id: `log-${n}`,
  requestId: `req-${n}`,
  time: new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString(),
  type: 'endpoint',
  method: 'GET',
  route: '/orders',
  function_name: 'orders/v1.list',
  status: 200,
  duration_ms: n,
  logs: [`log: line ${n}`],
});

/**
 * The store contract (DESIGN "Storage"): every adapter must pass these tests. Call inside a
 * `describe`; it opens its stores in `beforeAll` and closes them in `afterAll`.
 */
export function describeStoreContract(target: StoreContractTarget): void {
  let store: Store;
  let other: Store;
  const ns: Namespace = { db: 'shop', collection: 'orders' };

  beforeAll(async () => {
    store = await target.open({ logRetention: CONTRACT_LOG_RETENTION });
    other = await target.open({ logRetention: CONTRACT_LOG_RETENTION });
  });
  afterAll(async () => {
    await other?.close();
    await store?.close();
  });

  describeUserContract(() => ({ store, other }));

  const createApp = async (appId = newAppId()) => {
    await store.metadata.createApp(
      { id: appId, name: 'contract', created_at: new Date().toISOString() },
      spec('v1'),
    );
    return appId;
  };

  describe('metadata', () => {
    it('createApp stores the app at version 1 with its first deployment', async () => {
      const appId = newAppId();
      const createdAt = new Date().toISOString();
      const record = await store.metadata.createApp(
        { id: appId, name: 'shop', created_at: createdAt },
        spec('v1'),
      );
      expect(record).toEqual({ id: appId, name: 'shop', created_at: createdAt, version: 1 });
      expect(await store.metadata.getApp(appId)).toEqual(record);
      const deployment = await store.metadata.getDeployment(appId, 1);
      expect(deployment).toMatchObject({ appId, version: 1 });
      expect(deployment?.spec).toEqual(spec('v1'));
      expect((await store.metadata.listApps()).filter((a) => a.id === appId)).toEqual([record]);
    });

    it('createApp with an existing id fails with Conflict (409) and changes nothing', async () => {
      const appId = await createApp();
      await expectError(
        store.metadata.createApp(
          { id: appId, name: 'again', created_at: new Date().toISOString() },
          spec('other'),
        ),
        ErrorCode.Conflict,
        409,
      );
      expect(await store.metadata.getApp(appId)).toMatchObject({ name: 'contract', version: 1 });
      expect((await store.metadata.getDeployment(appId, 1))?.spec).toEqual(spec('v1'));
    });

    it('reports unknown apps and versions as null / false', async () => {
      const appId = newAppId();
      expect(await store.metadata.getApp(appId)).toBeNull();
      expect(await store.metadata.getDeployment(appId, 1)).toBeNull();
      expect(await store.metadata.deleteApp(appId)).toBe(false);
      expect(await store.metadata.listLogs(appId, 10)).toEqual([]);
    });

    it('commitDeployment writes version n+1 and makes it current', async () => {
      const appId = await createApp();
      const d2 = await store.metadata.commitDeployment(appId, 1, spec('v2'));
      expect(d2).toMatchObject({ appId, version: 2, spec: spec('v2') });
      expect(typeof d2.created_at).toBe('string');
      expect((await store.metadata.getApp(appId))?.version).toBe(2);
      expect((await store.metadata.getDeployment(appId, 2))?.spec).toEqual(spec('v2'));
      // The old version stays readable: caches keyed on (appId, version) never go stale.
      expect((await store.metadata.getDeployment(appId, 1))?.spec).toEqual(spec('v1'));
      // Another store on the same backing sees it.
      expect((await other.metadata.getApp(appId))?.version).toBe(2);
    });

    it('commitDeployment from a stale version fails with Conflict and writes nothing', async () => {
      const appId = await createApp();
      await store.metadata.commitDeployment(appId, 1, spec('v2'));
      await expectError(store.metadata.commitDeployment(appId, 1, spec('stale')), ErrorCode.Conflict, 409);
      expect((await store.metadata.getApp(appId))?.version).toBe(2);
      expect((await store.metadata.getDeployment(appId, 2))?.spec).toEqual(spec('v2'));
      expect(await store.metadata.getDeployment(appId, 3)).toBeNull();
    });

    it('commitDeployment on a missing app fails with NotFound (404)', async () => {
      await expectError(store.metadata.commitDeployment(newAppId(), 1, spec('x')), ErrorCode.NotFound, 404);
    });

    it('two concurrent commits from the same version: exactly one wins', async () => {
      const appId = await createApp();
      const results = await Promise.allSettled([
        store.metadata.commitDeployment(appId, 1, spec('a')),
        other.metadata.commitDeployment(appId, 1, spec('b')),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0].reason).toMatchObject({ code: ErrorCode.Conflict, status: 409 });
      const winner = (won[0] as PromiseFulfilledResult<{ spec: DeploymentSpec }>).value.spec;
      expect((await store.metadata.getApp(appId))?.version).toBe(2);
      expect((await store.metadata.getDeployment(appId, 2))?.spec).toEqual(winner);
    });

    it(`keeps the last ${DEPLOYMENT_RETENTION} versions of an app`, async () => {
      const appId = await createApp();
      const last = DEPLOYMENT_RETENTION + 5;
      for (let v = 1; v < last; v++) await store.metadata.commitDeployment(appId, v, spec(`v${v + 1}`));
      expect((await store.metadata.getApp(appId))?.version).toBe(last);
      expect(await store.metadata.getDeployment(appId, last - DEPLOYMENT_RETENTION)).toBeNull();
      expect(await store.metadata.getDeployment(appId, 1)).toBeNull();
      expect((await store.metadata.getDeployment(appId, last - DEPLOYMENT_RETENTION + 1))?.version).toBe(
        last - DEPLOYMENT_RETENTION + 1,
      );
      expect((await store.metadata.getDeployment(appId, last))?.spec).toEqual(spec(`v${last}`));
    });

    it('deleteApp removes the app, its deployments and its logs, and only those', async () => {
      const appId = await createApp();
      const keep = await createApp();
      await store.metadata.commitDeployment(appId, 1, spec('v2'));
      await store.metadata.appendLog(appId, logEntry(1));
      await store.metadata.appendLog(keep, logEntry(2));
      expect(await store.metadata.deleteApp(appId)).toBe(true);
      expect(await store.metadata.getApp(appId)).toBeNull();
      expect(await store.metadata.getDeployment(appId, 1)).toBeNull();
      expect(await store.metadata.getDeployment(appId, 2)).toBeNull();
      expect(await store.metadata.listLogs(appId, 10)).toEqual([]);
      expect((await store.metadata.listApps()).map((a) => a.id)).not.toContain(appId);
      expect(await store.metadata.getApp(keep)).not.toBeNull();
      expect(await store.metadata.listLogs(keep, 10)).toEqual([logEntry(2)]);
      // The id can be used again.
      await createApp(appId);
      expect((await store.metadata.getApp(appId))?.version).toBe(1);
    });

    it('listLogs returns entries newest first, at most `limit`', async () => {
      const appId = await createApp();
      for (let n = 1; n <= 3; n++) await store.metadata.appendLog(appId, logEntry(n));
      expect(await store.metadata.listLogs(appId, 10)).toEqual([logEntry(3), logEntry(2), logEntry(1)]);
      expect(await store.metadata.listLogs(appId, 2)).toEqual([logEntry(3), logEntry(2)]);
      expect(await store.metadata.listLogs(appId, 0)).toEqual([]);
    });

    it(`keeps the newest ${CONTRACT_LOG_RETENTION} log entries per app`, async () => {
      const busy = await createApp();
      const quiet = await createApp();
      await store.metadata.appendLog(quiet, logEntry(100));
      for (let n = 1; n <= CONTRACT_LOG_RETENTION + 3; n++) await store.metadata.appendLog(busy, logEntry(n));
      const kept = await store.metadata.listLogs(busy, 100);
      expect(kept.map((e) => e.id)).toEqual(['log-8', 'log-7', 'log-6', 'log-5', 'log-4']);
      expect(await store.metadata.listLogs(quiet, 100)).toEqual([logEntry(100)]);
    });

    it('appendLogs writes a batch across apps in order, and keeps the retention', async () => {
      const one = await createApp();
      const two = await createApp();
      const batch = [1, 2, 3, 4, 5, 6, 7].map((n) => ({ appId: n % 2 ? one : two, entry: logEntry(n) }));
      await store.metadata.appendLogs(batch);
      await store.metadata.appendLogs([]);
      expect((await store.metadata.listLogs(one, 100)).map((e) => e.id)).toEqual([
        'log-7',
        'log-5',
        'log-3',
        'log-1',
      ]);
      expect((await store.metadata.listLogs(two, 100)).map((e) => e.id)).toEqual(['log-6', 'log-4', 'log-2']);
      await store.metadata.appendLogs([8, 9, 10].map((n) => ({ appId: one, entry: logEntry(n) })));
      expect((await store.metadata.listLogs(one, 100)).map((e) => e.id)).toEqual([
        'log-10',
        'log-9',
        'log-8',
        'log-7',
        'log-5',
      ]);
    });

    it('keeps optional log fields', async () => {
      const appId = await createApp();
      const failed: InvocationLogEntry = {
        ...logEntry(9),
        status: 400,
        error: { code: 'FunctionExecutionError', message: 'boom' },
        cold: true,
      };
      await store.metadata.appendLog(appId, failed);
      expect(await store.metadata.listLogs(appId, 1)).toEqual([failed]);
    });
  });

  describe('tenant data', () => {
    it('insertOne adds an ObjectId _id when the document has none, and findOne finds it by _id', async () => {
      const appId = newAppId();
      const doc = { item: 'pen', qty: 5 };
      const { insertedId } = await store.data.insertOne(appId, ns, doc);
      expect(insertedId).toBeInstanceOf(ObjectId);
      expect(doc).toEqual({ item: 'pen', qty: 5 });
      const hex = (insertedId as ObjectId).toHexString();
      const found = await store.data.findOne(appId, ns, { _id: new ObjectId(hex) });
      expect(relaxed(found)).toEqual({ _id: { $oid: hex }, item: 'pen', qty: 5 });
      expect(Object.keys(found ?? {})[0]).toBe('_id');
    });

    it('keeps a given _id; a duplicate _id fails with Conflict and an E11000 message', async () => {
      const appId = newAppId();
      expect((await store.data.insertOne(appId, ns, { _id: 'sku-1', n: 1 })).insertedId).toBe('sku-1');
      const err = await expectError(
        store.data.insertOne(appId, ns, { _id: 'sku-1', n: 2 }),
        ErrorCode.Conflict,
        409,
      );
      expect(err.message).toMatch(/^E11000 duplicate key error/);
      expect(relaxed(await store.data.find(appId, ns, {}))).toEqual([{ _id: 'sku-1', n: 1 }]);
    });

    it('treats numeric _ids of different BSON types as the same key, as MongoDB does', async () => {
      const appId = newAppId();
      await store.data.insertOne(appId, ns, { _id: 1, v: 'one' });
      await expectError(
        store.data.insertOne(appId, ns, { _id: new Double(1), v: 'dup' }),
        ErrorCode.Conflict,
        409,
      );
      expect(relaxed(await store.data.findOne(appId, ns, { _id: Long.fromNumber(1) }))).toEqual({
        _id: 1,
        v: 'one',
      });
      expect(await store.data.count(appId, ns, { _id: { $in: [new Int32(1), 2] } })).toBe(1);
    });

    it('round-trips every BSON type exactly', async () => {
      const appId = newAppId();
      const oid = new ObjectId();
      const doc: Doc = {
        _id: oid,
        int32: new Int32(7),
        double: new Double(2),
        fraction: new Double(2.5),
        long: Long.fromString('9007199254740993'),
        decimal: Decimal128.fromString('1234567890.123456789012345678901234'),
        date: new Date('2024-02-29T12:34:56.789Z'),
        binary: new Binary(Buffer.from([0, 1, 2, 255]), 0),
        uuid: new Binary(Buffer.from('0123456789abcdef0123456789abcdef', 'hex'), 4),
        regex: new BSONRegExp('^ab+c', 'i'),
        min: new MinKey(),
        max: new MaxKey(),
        str: 'héllo',
        bool: true,
        nil: null,
        nested: { list: [new Int32(1), new Double(1.5), { deep: Long.fromNumber(3) }], when: new Date(0) },
      };
      await store.data.insertOne(appId, ns, doc);
      const back = await store.data.findOne(appId, ns, { _id: oid });
      expect(exact(back)).toEqual(exact(doc));
      expect(back?.int32).toBeInstanceOf(Int32);
      expect(back?.double).toBeInstanceOf(Double);
      expect(back?.long).toBeInstanceOf(Long);
      expect(back?.decimal).toBeInstanceOf(Decimal128);
      expect(back?.date).toBeInstanceOf(Date);
      expect(back?.binary).toBeInstanceOf(Binary);
      expect(back?.regex).toBeInstanceOf(BSONRegExp);
    });

    it('types plain JS values as the MongoDB driver does', async () => {
      const appId = newAppId();
      await store.data.insertOne(appId, ns, { _id: 'js', small: 5, fraction: 5.5, big: 2 ** 40, neg: -1 });
      expect(exact(await store.data.findOne(appId, ns, { _id: 'js' }))).toEqual({
        _id: 'js',
        small: { $numberInt: '5' },
        fraction: { $numberDouble: '5.5' },
        big: { $numberDouble: '1099511627776.0' },
        neg: { $numberInt: '-1' },
      });
    });

    it('keeps apps apart even when they use the same database and collection names', async () => {
      const a = newAppId();
      const b = newAppId();
      const shared = { _id: 'same-id' };
      await store.data.insertOne(a, ns, { ...shared, owner: 'a' });
      await store.data.insertOne(b, ns, { ...shared, owner: 'b' });
      await store.data.insertOne(a, { db: 'only-a', collection: 'x' }, { v: 1 });
      expect(relaxed(await store.data.find(a, ns, {}))).toEqual([{ _id: 'same-id', owner: 'a' }]);
      expect(relaxed(await store.data.find(b, ns, {}))).toEqual([{ _id: 'same-id', owner: 'b' }]);
      expect(await store.data.updateMany(a, ns, {}, { $set: { touched: true } })).toMatchObject({
        matchedCount: 1,
      });
      expect(await store.data.findOne(b, ns, { touched: true })).toBeNull();
      expect(await store.data.listDatabases(b)).toEqual(['shop']);
      expect(await store.data.listCollections(b, 'only-a')).toEqual([]);
      expect(await store.data.deleteMany(b, ns, {})).toEqual({ deletedCount: 1 });
      expect(await store.data.count(a, ns, {})).toBe(1);
    });

    it('compares BSON values by MongoDB rules: ObjectId, Date, Decimal128, Long, Int32', async () => {
      const appId = newAppId();
      const ids = [new ObjectId(), new ObjectId(), new ObjectId()];
      await store.data.insertMany(appId, ns, [
        {
          _id: ids[0],
          at: new Date('2024-01-01T00:00:00Z'),
          price: Decimal128.fromString('9.5'),
          views: Long.fromNumber(100),
          n: new Int32(1),
        },
        {
          _id: ids[1],
          at: new Date('2024-06-01T00:00:00Z'),
          price: Decimal128.fromString('10.25'),
          views: Long.fromNumber(5),
          n: new Double(2),
        },
        {
          _id: ids[2],
          at: new Date('2025-01-01T00:00:00Z'),
          price: Decimal128.fromString('100'),
          views: Long.fromNumber(50),
          n: 3,
        },
      ]);
      const idsOf = (docs: Doc[]) => docs.map((d) => (d._id as ObjectId).toHexString());
      const hex = ids.map((i) => i.toHexString());
      expect(idsOf(await store.data.find(appId, ns, { _id: new ObjectId(hex[1]) }))).toEqual([hex[1]]);
      expect(
        idsOf(
          await store.data.find(appId, ns, { _id: { $in: [new ObjectId(hex[2]), new ObjectId(hex[0])] } }),
        ),
      ).toEqual([hex[0], hex[2]]);
      expect(idsOf(await store.data.find(appId, ns, { _id: { $ne: new ObjectId(hex[0]) } }))).toEqual([
        hex[1],
        hex[2],
      ]);
      expect(
        idsOf(
          await store.data.find(appId, ns, {
            at: { $gte: new Date('2024-03-01T00:00:00Z'), $lt: new Date('2025-01-01T00:00:00Z') },
          }),
        ),
      ).toEqual([hex[1]]);
      expect(idsOf(await store.data.find(appId, ns, { price: { $gt: 10 } }))).toEqual([hex[1], hex[2]]);
      expect(
        idsOf(await store.data.find(appId, ns, { price: { $lte: Decimal128.fromString('9.50') } })),
      ).toEqual([hex[0]]);
      expect(idsOf(await store.data.find(appId, ns, { views: { $gte: 50 } }))).toEqual([hex[0], hex[2]]);
      expect(idsOf(await store.data.find(appId, ns, { views: new Int32(5) }))).toEqual([hex[1]]);
      expect(
        idsOf(await store.data.find(appId, ns, { n: { $in: [Long.fromNumber(2), new Double(3)] } })),
      ).toEqual([hex[1], hex[2]]);
      // Sorting is numeric across Decimal128 values, not by their text.
      expect(idsOf(await store.data.find(appId, ns, {}, { sort: { price: 1 } }))).toEqual(hex);
      expect(idsOf(await store.data.find(appId, ns, {}, { sort: { _id: -1 } }))).toEqual([...hex].reverse());
    });

    it('matches regular expressions given as RegExp or BSONRegExp', async () => {
      const appId = newAppId();
      await store.data.insertMany(appId, ns, [{ name: 'Alice' }, { name: 'bob' }, { name: 'ALINA' }]);
      const names = (docs: Doc[]) => docs.map((d) => d.name).sort();
      expect(names(await store.data.find(appId, ns, { name: /^al/i }))).toEqual(['ALINA', 'Alice']);
      expect(names(await store.data.find(appId, ns, { name: new BSONRegExp('^b', '') }))).toEqual(['bob']);
      expect(names(await store.data.find(appId, ns, { name: { $regex: 'ice$' } }))).toEqual(['Alice']);
    });

    it('find honours sort, skip, limit and projection', async () => {
      const appId = newAppId();
      await store.data.insertMany(
        appId,
        ns,
        [5, 3, 8, 1, 9, 2].map((n) => ({
          _id: `d${n}`,
          n,
          sub: { rank: 10 - n },
          tags: ['a', `t${n}`],
          secret: 'x',
        })),
      );
      const sorted = await store.data.find(
        appId,
        ns,
        { n: { $gt: 1 } },
        { sort: { n: -1 }, skip: 1, limit: 3 },
      );
      expect(sorted.map((d) => num(d.n))).toEqual([8, 5, 3]);
      const bySub = await store.data.find(appId, ns, {}, { sort: { 'sub.rank': 1 }, limit: 2 });
      expect(bySub.map((d) => d._id)).toEqual(['d9', 'd8']);
      const included = await store.data.find(
        appId,
        ns,
        { _id: 'd5' },
        { projection: { n: 1, 'sub.rank': 1 } },
      );
      expect(relaxed(included)).toEqual([{ _id: 'd5', n: 5, sub: { rank: 5 } }]);
      const excluded = await store.data.find(
        appId,
        ns,
        { _id: 'd5' },
        { projection: { secret: 0, tags: 0 } },
      );
      expect(relaxed(excluded)).toEqual([{ _id: 'd5', n: 5, sub: { rank: 5 } }]);
      const noId = await store.data.find(
        appId,
        ns,
        { _id: { $in: ['d1', 'd2'] } },
        { projection: { _id: 0, n: 1 }, sort: { n: 1 } },
      );
      expect(relaxed(noId)).toEqual([{ n: 1 }, { n: 2 }]);
      // Projection keeps BSON types.
      expect(exact(included[0].n)).toEqual({ $numberInt: '5' });
      expect(await store.data.find(appId, ns, {}, { limit: 0 })).toHaveLength(6);
      expect(await store.data.find(appId, ns, {}, { skip: 6 })).toEqual([]);
    });

    it('findOne honours sort, skip and projection and returns null without a match', async () => {
      const appId = newAppId();
      await store.data.insertMany(appId, ns, [
        { n: 2, k: 'x' },
        { n: 7, k: 'y' },
        { n: 4, k: 'z' },
      ]);
      expect(
        relaxed(await store.data.findOne(appId, ns, {}, { sort: { n: -1 }, projection: { _id: 0, k: 1 } })),
      ).toEqual({ k: 'y' });
      expect(
        relaxed(
          await store.data.findOne(appId, ns, {}, { sort: { n: 1 }, skip: 1, projection: { _id: 0, n: 1 } }),
        ),
      ).toEqual({ n: 4 });
      expect(await store.data.findOne(appId, ns, { n: 100 })).toBeNull();
      expect(await store.data.findOne(appId, { db: 'nowhere', collection: 'none' }, {})).toBeNull();
    });

    it('insertMany returns the ids; ordered stops at the first error, unordered goes on', async () => {
      const appId = newAppId();
      const { insertedIds } = await store.data.insertMany(appId, ns, [{ _id: 'a' }, { v: 2 }]);
      expect(insertedIds[0]).toBe('a');
      expect(insertedIds[1]).toBeInstanceOf(ObjectId);
      const ordered = { db: 'shop', collection: 'ordered' };
      await expectError(
        store.data.insertMany(appId, ordered, [{ _id: 1 }, { _id: 1 }, { _id: 2 }]),
        ErrorCode.Conflict,
        409,
      );
      expect((await store.data.find(appId, ordered, {})).map((d) => num(d._id))).toEqual([1]);
      const unordered = { db: 'shop', collection: 'unordered' };
      await expectError(
        store.data.insertMany(appId, unordered, [{ _id: 1 }, { _id: 1 }, { _id: 2 }], { ordered: false }),
        ErrorCode.Conflict,
        409,
      );
      expect(
        (await store.data.find(appId, unordered, {}, { sort: { _id: 1 } })).map((d) => num(d._id)),
      ).toEqual([1, 2]);
    });

    it('updateOne applies operators and keeps each field’s BSON type', async () => {
      const appId = newAppId();
      await store.data.insertOne(appId, ns, {
        _id: 'u',
        i: new Int32(1),
        l: Long.fromNumber(10),
        d: new Double(2),
        dec: Decimal128.fromString('2.5'),
        untouched: Decimal128.fromString('0.1000000000000000000000000000000001'),
        list: [new Int32(1)],
      });
      const result = await store.data.updateOne(
        appId,
        ns,
        { _id: 'u' },
        {
          $inc: { i: 1, l: 5, d: 1, dec: 1 },
          $set: { price: Decimal128.fromString('19.99'), 'a.b': 'nested' },
          $push: { list: 2 },
        },
      );
      expect(result).toEqual({ matchedCount: 1, modifiedCount: 1 });
      expect(exact(await store.data.findOne(appId, ns, { _id: 'u' }))).toEqual({
        _id: 'u',
        i: { $numberInt: '2' },
        l: { $numberLong: '15' },
        d: { $numberDouble: '3.0' },
        dec: { $numberDecimal: '3.5' },
        untouched: { $numberDecimal: '0.1000000000000000000000000000000001' },
        list: [{ $numberInt: '1' }, { $numberInt: '2' }],
        price: { $numberDecimal: '19.99' },
        a: { b: 'nested' },
      });
    });

    it('counts matched and modified documents separately; no match is not an error', async () => {
      const appId = newAppId();
      await store.data.insertMany(appId, ns, [
        { g: 1, s: 'x' },
        { g: 1, s: 'y' },
        { g: 1, s: 'x' },
        { g: 2, s: 'x' },
      ]);
      expect(await store.data.updateMany(appId, ns, { g: 1 }, { $set: { s: 'x' } })).toEqual({
        matchedCount: 3,
        modifiedCount: 1,
      });
      expect(await store.data.updateOne(appId, ns, { g: 1 }, { $set: { s: 'x' } })).toEqual({
        matchedCount: 1,
        modifiedCount: 0,
      });
      expect(await store.data.updateOne(appId, ns, { g: 9 }, { $set: { s: 'z' } })).toEqual({
        matchedCount: 0,
        modifiedCount: 0,
      });
      expect(await store.data.count(appId, ns, { s: 'x' })).toBe(4);
    });

    it('upserts from the filter’s equality fields, with $setOnInsert only on insert', async () => {
      const appId = newAppId();
      const first = await store.data.updateOne(
        appId,
        ns,
        { key: 'k1', n: { $gt: 5 }, 'meta.src': 'api' },
        { $set: { a: 1 }, $setOnInsert: { created: true } },
        { upsert: true },
      );
      expect(first).toMatchObject({ matchedCount: 0, modifiedCount: 0 });
      expect(first.upsertedId).toBeInstanceOf(ObjectId);
      const doc = await store.data.findOne(appId, ns, { key: 'k1' });
      expect(relaxed(doc)).toEqual({
        _id: { $oid: (first.upsertedId as ObjectId).toHexString() },
        key: 'k1',
        meta: { src: 'api' },
        a: 1,
        created: true,
      });
      const second = await store.data.updateOne(
        appId,
        ns,
        { key: 'k1' },
        { $set: { a: 2 }, $setOnInsert: { created: false } },
        { upsert: true },
      );
      expect(second).toEqual({ matchedCount: 1, modifiedCount: 1 });
      expect(relaxed(await store.data.findOne(appId, ns, { key: 'k1' }, { projection: { _id: 0 } }))).toEqual(
        {
          key: 'k1',
          meta: { src: 'api' },
          a: 2,
          created: true,
        },
      );
      const many = await store.data.updateMany(
        appId,
        ns,
        { _id: 'given' },
        { $inc: { hits: 1 } },
        { upsert: true },
      );
      expect(many).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedId: 'given' });
      expect(relaxed(await store.data.findOne(appId, ns, { _id: 'given' }))).toEqual({
        _id: 'given',
        hits: 1,
      });
    });

    it('replaceOne replaces the whole document, keeps _id, and upserts', async () => {
      const appId = newAppId();
      await store.data.insertOne(appId, ns, { _id: 'r', a: 1, b: 2 });
      expect(await store.data.replaceOne(appId, ns, { _id: 'r' }, { c: 3 })).toEqual({
        matchedCount: 1,
        modifiedCount: 1,
      });
      expect(relaxed(await store.data.findOne(appId, ns, { _id: 'r' }))).toEqual({ _id: 'r', c: 3 });
      const up = await store.data.replaceOne(appId, ns, { _id: 'new' }, { d: 4 }, { upsert: true });
      expect(up).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedId: 'new' });
      expect(relaxed(await store.data.findOne(appId, ns, { _id: 'new' }))).toEqual({ _id: 'new', d: 4 });
      expect(await store.data.replaceOne(appId, ns, { _id: 'none' }, { e: 5 })).toEqual({
        matchedCount: 0,
        modifiedCount: 0,
      });
      await expectError(
        store.data.replaceOne(appId, ns, { _id: 'r' }, { $set: { c: 1 } }),
        ErrorCode.InvalidParameter,
        400,
      );
      await expectError(
        store.data.replaceOne(appId, ns, { _id: 'r' }, { _id: 'other', c: 1 }),
        ErrorCode.InvalidParameter,
        400,
      );
    });

    it('rejects updates without operators and updates of _id with InvalidParameter', async () => {
      const appId = newAppId();
      await store.data.insertOne(appId, ns, { _id: 'x', a: 1 });
      await expectError(
        store.data.updateOne(appId, ns, { _id: 'x' }, { a: 2 }),
        ErrorCode.InvalidParameter,
        400,
      );
      await expectError(
        store.data.updateOne(appId, ns, { _id: 'x' }, { $set: { _id: 'y' } }),
        ErrorCode.InvalidParameter,
        400,
      );
      await expectError(
        store.data.updateOne(appId, ns, { _id: 'x' }, { $bogus: { a: 1 } }),
        ErrorCode.InvalidParameter,
        400,
      );
      expect(relaxed(await store.data.findOne(appId, ns, { _id: 'x' }))).toEqual({ _id: 'x', a: 1 });
    });

    it('applies pipeline-style updates', async () => {
      const appId = newAppId();
      await store.data.insertOne(appId, ns, { _id: 'p', a: 2, b: 3 });
      await store.data.updateOne(appId, ns, { _id: 'p' }, [
        { $set: { total: { $add: ['$a', '$b'] } } },
        { $unset: 'b' },
      ]);
      expect(relaxed(await store.data.findOne(appId, ns, { _id: 'p' }))).toEqual({
        _id: 'p',
        a: 2,
        total: 5,
      });
    });

    it('findOneAndUpdate returns the document before the change unless returnNewDocument', async () => {
      const appId = newAppId();
      await store.data.insertMany(appId, ns, [
        { _id: 1, q: 'a', n: 1 },
        { _id: 2, q: 'a', n: 5 },
      ]);
      const before = await store.data.findOneAndUpdate(
        appId,
        ns,
        { q: 'a' },
        { $inc: { n: 10 } },
        { sort: { n: -1 } },
      );
      expect(relaxed(before)).toEqual({ _id: 2, q: 'a', n: 5 });
      const after = await store.data.findOneAndUpdate(
        appId,
        ns,
        { q: 'a' },
        { $inc: { n: 1 } },
        { sort: { n: 1 }, returnNewDocument: true, projection: { _id: 0, n: 1 } },
      );
      expect(relaxed(after)).toEqual({ n: 2 });
      // The new document is returned (projected) even when it no longer matches the filter.
      const moved = await store.data.findOneAndUpdate(
        appId,
        ns,
        { _id: 1, q: 'a' },
        { $set: { q: 'b' } },
        { returnNewDocument: true, projection: { q: 1 } },
      );
      expect(relaxed(moved)).toEqual({ _id: 1, q: 'b' });
      expect(await store.data.findOneAndUpdate(appId, ns, { q: 'none' }, { $set: { n: 0 } })).toBeNull();
      expect(
        await store.data.findOneAndUpdate(appId, ns, { q: 'up1' }, { $set: { n: 0 } }, { upsert: true }),
      ).toBeNull();
      expect(await store.data.count(appId, ns, { q: 'up1' })).toBe(1);
      const upserted = await store.data.findOneAndUpdate(
        appId,
        ns,
        { q: 'up2' },
        { $set: { n: 7 } },
        { upsert: true, returnNewDocument: true },
      );
      const { _id: upsertedId, ...upsertedRest } = upserted ?? {};
      expect(upsertedId).toBeInstanceOf(ObjectId);
      expect(relaxed(upsertedRest)).toEqual({ q: 'up2', n: 7 });
    });

    it('findOneAndReplace and findOneAndDelete follow sort and projection', async () => {
      const appId = newAppId();
      await store.data.insertMany(appId, ns, [
        { _id: 1, n: 1 },
        { _id: 2, n: 2 },
        { _id: 3, n: 3 },
      ]);
      const old = await store.data.findOneAndReplace(
        appId,
        ns,
        {},
        { n: 20, replaced: true },
        { sort: { n: -1 } },
      );
      expect(relaxed(old)).toEqual({ _id: 3, n: 3 });
      const fresh = await store.data.findOneAndReplace(
        appId,
        ns,
        { _id: 1 },
        { n: 10 },
        { returnNewDocument: true },
      );
      expect(relaxed(fresh)).toEqual({ _id: 1, n: 10 });
      const upserted = await store.data.findOneAndReplace(
        appId,
        ns,
        { _id: 9 },
        { n: 9 },
        { upsert: true, returnNewDocument: true },
      );
      expect(relaxed(upserted)).toEqual({ _id: 9, n: 9 });
      const deleted = await store.data.findOneAndDelete(
        appId,
        ns,
        { n: { $lt: 15 } },
        { sort: { n: -1 }, projection: { n: 1, _id: 0 } },
      );
      expect(relaxed(deleted)).toEqual({ n: 10 });
      expect((await store.data.find(appId, ns, {}, { sort: { _id: 1 } })).map((d) => num(d._id))).toEqual([
        2, 3, 9,
      ]);
      expect(await store.data.findOneAndDelete(appId, ns, { n: 1000 })).toBeNull();
    });

    it('deleteOne and deleteMany report how many documents went', async () => {
      const appId = newAppId();
      await store.data.insertMany(appId, ns, [{ k: 1 }, { k: 1 }, { k: 1 }, { k: 2 }]);
      expect(await store.data.deleteOne(appId, ns, { k: 1 })).toEqual({ deletedCount: 1 });
      expect(await store.data.deleteMany(appId, ns, { k: 1 })).toEqual({ deletedCount: 2 });
      expect(await store.data.deleteMany(appId, ns, { k: 3 })).toEqual({ deletedCount: 0 });
      expect(await store.data.count(appId, ns, {})).toBe(1);
    });

    it('count honours the filter, skip and limit; distinct unwinds arrays and merges equal numbers', async () => {
      const appId = newAppId();
      await store.data.insertMany(appId, ns, [
        { c: 'x', tags: ['a', 'b'], n: 1 },
        { c: 'x', tags: ['b', 'c'], n: new Int32(1) },
        { c: 'y', tags: 'd', n: new Double(2.5) },
        { c: 'y', n: Long.fromNumber(1) },
      ]);
      expect(await store.data.count(appId, ns, {})).toBe(4);
      expect(await store.data.count(appId, ns, { c: 'x' })).toBe(2);
      expect(await store.data.count(appId, ns, {}, { skip: 1, limit: 2 })).toBe(2);
      expect(await store.data.count(appId, ns, {}, { skip: 3 })).toBe(1);
      expect(((await store.data.distinct(appId, ns, 'tags', {})) as string[]).sort()).toEqual([
        'a',
        'b',
        'c',
        'd',
      ]);
      expect(((await store.data.distinct(appId, ns, 'tags', { c: 'x' })) as string[]).sort()).toEqual([
        'a',
        'b',
        'c',
      ]);
      expect((await store.data.distinct(appId, ns, 'n', {})).map(num).sort()).toEqual([1, 2.5]);
      expect(await store.data.distinct(appId, ns, 'missing', {})).toEqual([]);
    });

    it('aggregates with $match, $group, $sort and $project', async () => {
      const appId = newAppId();
      await store.data.insertMany(appId, ns, [
        { cat: 'books', qty: 2, price: Decimal128.fromString('10') },
        { cat: 'books', qty: 3, price: Decimal128.fromString('5') },
        { cat: 'pens', qty: 10, price: Decimal128.fromString('1') },
        { cat: 'ink', qty: 0, price: Decimal128.fromString('3') },
      ]);
      const grouped = await store.data.aggregate(appId, ns, [
        { $match: { qty: { $gt: 0 } } },
        { $group: { _id: '$cat', units: { $sum: '$qty' }, orders: { $sum: 1 } } },
        { $sort: { units: -1 } },
      ]);
      expect(relaxed(grouped)).toEqual([
        { _id: 'pens', units: 10, orders: 1 },
        { _id: 'books', units: 5, orders: 2 },
      ]);
      const projected = await store.data.aggregate(appId, ns, [
        { $match: { cat: 'ink' } },
        { $project: { _id: 0, cat: 1, price: 1 } },
      ]);
      expect(exact(projected)).toEqual([{ cat: 'ink', price: { $numberDecimal: '3' } }]);
    });

    it('$lookup joins collections of the same app and database only', async () => {
      const a = newAppId();
      const b = newAppId();
      const customers = { db: 'shop', collection: 'customers' };
      await store.data.insertMany(a, ns, [{ _id: 'o1', customer: 'c1' }]);
      await store.data.insertMany(a, customers, [{ _id: 'c1', name: 'Ada' }]);
      await store.data.insertMany(b, ns, [{ _id: 'o1', customer: 'c1' }]);
      await store.data.insertMany(b, { db: 'other', collection: 'customers' }, [{ _id: 'c1', name: 'Eve' }]);
      const pipeline = [
        { $lookup: { from: 'customers', localField: 'customer', foreignField: '_id', as: 'who' } },
        { $project: { _id: 1, names: '$who.name' } },
      ];
      expect(relaxed(await store.data.aggregate(a, ns, pipeline))).toEqual([{ _id: 'o1', names: ['Ada'] }]);
      // B has a `customers` collection, but in another database: nothing joins.
      expect(relaxed(await store.data.aggregate(b, ns, pipeline))).toEqual([{ _id: 'o1', names: [] }]);
    });

    it('rejects pipeline stages that could leave the tenant’s database', async () => {
      const appId = newAppId();
      await store.data.insertOne(appId, ns, { a: 1 });
      for (const stage of [
        { $out: 'copy' },
        { $merge: { into: { db: 'elsewhere', coll: 'x' } } },
        { $lookup: { from: { db: 'elsewhere', coll: 'x' }, localField: 'a', foreignField: 'a', as: 'x' } },
        { $facet: { inner: [{ $out: 'copy' }] } },
      ]) {
        await expectError(store.data.aggregate(appId, ns, [stage]), ErrorCode.InvalidParameter, 400);
      }
      expect(await store.data.listCollections(appId, 'shop')).toEqual(['orders']);
    });

    it('rejects unknown query operators and bad names with InvalidParameter', async () => {
      const appId = newAppId();
      await store.data.insertOne(appId, ns, { a: 1 });
      await expectError(store.data.find(appId, ns, { a: { $bogus: 1 } }), ErrorCode.InvalidParameter, 400);
      await expectError(
        store.data.find(appId, { db: 'a.b', collection: 'c' }, {}),
        ErrorCode.InvalidParameter,
        400,
      );
      await expectError(
        store.data.insertOne(appId, { db: 'ok', collection: '$bad' }, {}),
        ErrorCode.InvalidParameter,
        400,
      );
      await expectError(
        store.data.insertOne(appId, { db: '', collection: 'c' }, {}),
        ErrorCode.InvalidParameter,
        400,
      );
    });

    it('bulkWrite runs mixed operations in order; ordered stops at the first error, unordered goes on', async () => {
      const appId = newAppId();
      const result = await store.data.bulkWrite(appId, ns, [
        { insertOne: { document: { _id: 1, n: 1 } } },
        { insertOne: { document: { _id: 2, n: 2 } } },
        { insertOne: { document: { _id: 3, n: 3 } } },
        { updateOne: { filter: { _id: 1 }, update: { $inc: { n: 10 } } } },
        { updateMany: { filter: { n: { $lt: 5 } }, update: { $set: { small: true } } } },
        { replaceOne: { filter: { _id: 3 }, replacement: { n: 30 } } },
        { deleteOne: { filter: { _id: 2 } } },
        { updateOne: { filter: { _id: 4 }, update: { $set: { n: 4 } }, upsert: true } },
        { deleteMany: { filter: { n: { $gt: 100 } } } },
      ]);
      expect(result).toBeNull();
      expect(relaxed(await store.data.find(appId, ns, {}, { sort: { _id: 1 } }))).toEqual([
        { _id: 1, n: 11 },
        { _id: 3, n: 30 },
        { _id: 4, n: 4 },
      ]);
      const ops = [
        { insertOne: { document: { _id: 5 } } },
        { insertOne: { document: { _id: 1 } } },
        { insertOne: { document: { _id: 6 } } },
      ];
      await expectError(store.data.bulkWrite(appId, ns, ops), ErrorCode.Conflict, 409);
      expect(await store.data.count(appId, ns, { _id: { $in: [5, 6] } })).toBe(1);
      await expectError(
        store.data.bulkWrite(
          appId,
          { db: 'shop', collection: 'loose' },
          [...ops, { insertOne: { document: { _id: 1 } } }],
          { ordered: false },
        ),
        ErrorCode.Conflict,
        409,
      );
      expect(await store.data.count(appId, { db: 'shop', collection: 'loose' }, {})).toBe(3);
    });

    it('lists an app’s databases and collections', async () => {
      const appId = newAppId();
      await store.data.insertOne(appId, { db: 'db1', collection: 'c2' }, { a: 1 });
      await store.data.insertOne(appId, { db: 'db1', collection: 'c1' }, { a: 1 });
      await store.data.insertOne(appId, { db: 'db2', collection: 'c1' }, { a: 1 });
      // An update that matches nothing creates nothing.
      await store.data.updateOne(appId, { db: 'db3', collection: 'c' }, { a: 1 }, { $set: { a: 2 } });
      expect(await store.data.listDatabases(appId)).toEqual(['db1', 'db2']);
      expect(await store.data.listCollections(appId, 'db1')).toEqual(['c1', 'c2']);
      expect(await store.data.listCollections(appId, 'db3')).toEqual([]);
      expect(await store.data.listDatabases(newAppId())).toEqual([]);
    });

    it('dropApp removes all of the app’s data and nothing else', async () => {
      const gone = newAppId();
      const kept = newAppId();
      await store.data.insertOne(gone, ns, { a: 1 });
      await store.data.insertOne(gone, { db: 'second', collection: 'x' }, { a: 1 });
      await store.data.insertOne(kept, ns, { a: 1 });
      await store.data.dropApp(gone);
      expect(await store.data.listDatabases(gone)).toEqual([]);
      expect(await store.data.find(gone, ns, {})).toEqual([]);
      expect(await store.data.count(kept, ns, {})).toBe(1);
      expect(await store.data.listDatabases(kept)).toEqual(['shop']);
    });

    it('a second store on the same backing sees the writes', async () => {
      const appId = newAppId();
      await store.data.insertOne(appId, ns, { _id: 'shared', v: 1 });
      await other.data.updateOne(appId, ns, { _id: 'shared' }, { $inc: { v: 1 } });
      expect(relaxed(await store.data.findOne(appId, ns, { _id: 'shared' }))).toEqual({
        _id: 'shared',
        v: 2,
      });
    });
  });
}
