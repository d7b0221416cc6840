import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FunctionBundle } from '@portico/contracts';
import { EmbeddedStore } from '@portico/store';
import { createDataHostCalls } from '../../../../apps/worker/src/data-host-calls';
import { SANDBOX_ENGINES } from '../engine/sandbox-engine.port';
import type { SandboxPool } from '../pool/sandbox.pool';
import { bundleOf, jobOf, text } from '../testing/sandbox.fixtures';
import { escapePool, expectStillServing } from './testing/escape.fixtures';

/**
 * Cross-tenant data: two apps use the same service, database and collection names against one real
 * embedded store, through the worker's host-call handler. Whatever the guest names (including an
 * app id, a path-like or dotted name), it only ever sees its own app's documents.
 */
describe.each(SANDBOX_ENGINES)("escape suite [%s]: another app's data", (engine) => {
  let dir: string;
  let store: EmbeddedStore;
  let pool: SandboxPool;
  let victim: FunctionBundle;
  let thief: FunctionBundle;
  const secret = 'victim-secret-7f3a';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portico-escape-data-'));
    store = EmbeddedStore.open(dir);
    pool = escapePool(engine);
    victim = bundleOf('victim-abcde', {
      write: `exports = async function () {
        const c = context.services.get("mongodb-atlas").db("shop").collection("orders");
        await c.insertOne({ owner: "victim", secret: ${JSON.stringify(secret)} });
        return c.count({});
      };`,
    });
    thief = bundleOf('thief-abcde', {
      steal: `exports = async function () {
        const svc = context.services.get("mongodb-atlas");
        const seen = [];
        // Its own document under the very same names: proof the reads below do reach a collection.
        await svc.db("shop").collection("orders").insertOne({ owner: "thief" });
        const names = ["orders", "victim-abcde.orders", "../victim-abcde/orders", "shop.orders"];
        const dbs = ["shop", "victim-abcde", "victim-abcde_shop", "victim-abcde/shop"];
        for (const db of dbs) for (const name of names) {
          try { seen.push(...(await svc.db(db).collection(name).find({}))); } catch (e) {}
          try { seen.push(...(await svc.db(db).collection(name).aggregate([{ $match: {} }]))); } catch (e) {}
          try { seen.push(await svc.db(db).collection(name).findOne({ owner: "victim" })); } catch (e) {}
          try { seen.push(await svc.db(db).collection(name).distinct("secret")); } catch (e) {}
        }
        try { seen.push(await svc.db("shop").collection("orders").aggregate([
          { $lookup: { from: "victim-abcde.orders", localField: "x", foreignField: "x", as: "joined" } },
        ])); } catch (e) {}
        try { seen.push(await svc.admin().getDBNames()); } catch (e) {}
        try { seen.push(await svc.db("shop").getCollectionNames()); } catch (e) {}
        const updated = await svc.db("shop").collection("orders").updateMany({}, { $set: { secret: "stolen" } });
        const removed = await svc.db("shop").collection("orders").deleteMany({});
        return { seen, updated, removed };
      };`,
    });
    const r = await pool.run(victim, jobOf('victim-abcde', 'write'), createDataHostCalls(store.data, victim));
    expect(text(r.response?.body)).toBe('1');
  }, 30_000);

  afterAll(async () => {
    await pool.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads, updates and deletes nothing of another app under the same names', async () => {
    const r = await pool.run(thief, jobOf('thief-abcde', 'steal'), createDataHostCalls(store.data, thief));
    expect(r.error).toBeUndefined();
    const body = text(r.response?.body);
    expect(body).not.toContain(secret);
    expect(body).not.toContain('victim');
    const { updated, removed } = JSON.parse(body) as {
      updated: { matchedCount: number };
      removed: { deletedCount: number };
    };
    expect(body).toContain('"owner":"thief"');
    expect(updated.matchedCount).toBe(1);
    expect(removed.deletedCount).toBe(1);
    // The victim's document is untouched.
    const check = bundleOf(
      'victim-abcde',
      {
        read: 'exports = () => context.services.get("mongodb-atlas").db("shop").collection("orders").findOne({});',
      },
      { version: 2 },
    );
    const mine = await pool.run(
      check,
      jobOf('victim-abcde', 'read', { version: 2 }),
      createDataHostCalls(store.data, check),
    );
    expect(JSON.parse(text(mine.response?.body))).toMatchObject({ owner: 'victim', secret });
    await expectStillServing(pool);
  }, 30_000);
});
