import { setTimeout as sleep } from 'node:timers/promises';
import type { AppId } from '@portico/contracts';
import type { Store } from '../store.port';

/** Where the two-process test writes. */
export const CONCURRENT_NS = { db: 'd', collection: 'c' };

/**
 * The loop both processes of the two-process test run: per step, an insert, a read-modify-write
 * increment of a shared counter and a log append. After half its steps a writer waits until the other
 * has written too, so the two writers' documents are guaranteed to interleave (the test checks it).
 */
export async function writeHalvesInTurn(
  store: Store,
  appId: AppId,
  tag: string,
  otherTag: string,
  steps: number,
): Promise<void> {
  for (let i = 0; i < steps; i++) {
    if (i === Math.floor(steps / 2)) {
      while ((await store.data.count(appId, CONCURRENT_NS, { who: otherTag })) === 0) await sleep(5);
    }
    await store.data.insertOne(appId, CONCURRENT_NS, { who: tag, i });
    await store.data.updateOne(
      appId,
      CONCURRENT_NS,
      { _id: 'counter' },
      { $inc: { n: 1 } },
      { upsert: true },
    );
    await store.metadata.appendLog(appId, {
      id: `${tag}-${i}`,
      requestId: `${tag}-${i}`,
      time: new Date().toISOString(),
      type: 'endpoint',
      method: 'GET',
      route: '/',
      function_name: 'f',
      status: 200,
      duration_ms: 1,
      logs: [],
    });
  }
}
