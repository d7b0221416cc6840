import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asAppId } from '@portico/contracts';
import { CONCURRENT_NS, writeHalvesInTurn } from '../testing/concurrent-writes';
import { describeStoreContract } from '../testing/store-contract';
import { EmbeddedStore } from './embedded.store';
import { SELECT_BY_ID_SQL } from './embedded-tenant-data.repository';
import { EMBEDDED_DB_FILE } from './sqlite.schema';

describe('EmbeddedStore', () => {
  let dataDir: string;
  const opened: EmbeddedStore[] = [];
  const open = (logRetention?: number) => {
    const store = EmbeddedStore.open(dataDir, { logRetention });
    opened.push(store);
    return store;
  };

  beforeAll(() => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'portico-store-')), 'nested', 'data');
  });
  afterAll(async () => {
    for (const store of opened) await store.close();
    rmSync(join(dataDir, '..', '..'), { recursive: true, force: true });
  });

  describe('contract', () => {
    describeStoreContract({ open: async ({ logRetention }) => Promise.resolve(open(logRetention)) });
  });

  it(`creates <dataDir>/${EMBEDDED_DB_FILE} in WAL mode with a busy timeout`, () => {
    const store = open();
    expect(store.sqlite.name).toBe(join(dataDir, EMBEDDED_DB_FILE));
    expect(store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.sqlite.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(5000);
  });

  it('looks an _id up through the unique index, never by scanning the collection', async () => {
    const store = open();
    const plan = store.sqlite.prepare(`EXPLAIN QUERY PLAN ${SELECT_BY_ID_SQL}`).all('a', 'b', 'c', 'k') as {
      detail: string;
    }[];
    expect(plan.map((p) => p.detail)).toEqual([
      expect.stringMatching(
        /^SEARCH tenant_documents USING INDEX tenant_documents_by_id \(app_id=\? AND db=\? AND coll=\? AND id_key=\?\)$/,
      ),
    ]);

    // And the repository really takes that path: a row it cannot parse breaks a scan, not an _id lookup.
    const appId = asAppId('scan-check-abcde');
    const ns = { db: 'd', collection: 'c' };
    await store.data.insertMany(appId, ns, [
      { _id: 'good', v: 1 },
      { _id: 'other', v: 2 },
    ]);
    store.sqlite
      .prepare('INSERT INTO tenant_documents (app_id, db, coll, id_key, doc) VALUES (?, ?, ?, ?, ?)')
      .run(appId, 'd', 'c', '"corrupt"', '{not json');
    expect(await store.data.findOne(appId, ns, { _id: 'good' })).toEqual({
      _id: 'good',
      v: expect.anything(),
    });
    expect(await store.data.find(appId, ns, { _id: { $in: ['good', 'other'] } })).toHaveLength(2);
    expect(await store.data.updateOne(appId, ns, { _id: { $eq: 'other' } }, { $set: { v: 3 } })).toEqual({
      matchedCount: 1,
      modifiedCount: 1,
    });
    await expect(store.data.find(appId, ns, { v: 1 })).rejects.toThrow(SyntaxError);
  });

  it('lets two processes write the same file at once without SQLITE_BUSY', async () => {
    const steps = 200;
    const appId = asAppId('two-procs-abcde');
    const script = join(__dirname, '..', 'testing', 'concurrent-writer.child.ts');
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', script, dataDir, appId, 'child', 'parent', String(steps)],
      { cwd: join(__dirname, '..', '..', '..', '..'), stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', () => output.includes('ready') && resolve());
        child.on('exit', () => reject(new Error(`child exited early: ${output}`)));
      });
      const store = open();
      child.stdin.end('go\n');
      await writeHalvesInTurn(store, appId, 'parent', 'child', steps);
      expect(await exited).toBe(0);
      expect(output).toContain('done');

      expect(await store.data.count(appId, CONCURRENT_NS, { who: 'parent' })).toBe(steps);
      expect(await store.data.count(appId, CONCURRENT_NS, { who: 'child' })).toBe(steps);
      // Every read-modify-write increment of both processes landed.
      const counter = await store.data.findOne(appId, CONCURRENT_NS, { _id: 'counter' });
      expect(Number(String(counter?.n))).toBe(2 * steps);
      // The writes interleaved: in insertion order the writers alternate, not one block each.
      const order = (await store.data.find(appId, CONCURRENT_NS, { who: { $exists: true } })).map(
        (d) => d.who,
      );
      expect(order.filter((who, i) => i > 0 && who !== order[i - 1]).length).toBeGreaterThanOrEqual(2);
    } finally {
      child.kill();
    }
  }, 60_000);
});
