import { ClusterPlatform } from './support/cluster';
import { endpoint } from './support/endpoints';

/**
 * The Data API and can_evaluate in cluster mode (issue #5 items 5, 6): the snapshot's Data API settings
 * reach the gateway over the registry RPC, and the job's action and expression reach the worker over
 * the queue (separate real processes, real Redis).
 */
describe('Data API and can_evaluate (cluster mode, real processes)', () => {
  const platform = new ClusterPlatform({ workers: 1 });
  let appId: string;
  const ns = { dataSource: 'mongodb-atlas', database: 'shop', collection: 'orders' };
  const action = (name: string, body: unknown, headers: Record<string, string> = {}) =>
    platform.call(appId, `/data/v1/action/${name}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    await platform.start();
    appId = await platform.createApp('data-api-cluster');
    const res = await platform.admin('PUT', `/apps/${appId}/data-api`, {
      run_as_system: true,
      return_type: 'JSON',
      can_evaluate: { '%%request.requestHeaders.x-secret-key': 'my-secret' },
    });
    if (res.status !== 200) throw new Error(`put data-api failed: ${res.status} ${res.text}`);
    await platform.putFunction(appId, 'hello', { run_as_system: true, source: 'exports = () => "hi"' });
    await platform.putEndpoints(appId, [
      { ...endpoint('/guarded', 'hello'), can_evaluate: { '%%request.httpUserAgent': 'portico-test' } },
    ]);
  }, 90_000);
  afterAll(async () => {
    await platform.stop();
  }, 60_000);

  it('runs Data API actions through the queue, with the expression checked by the worker', async () => {
    const denied = await action('insertOne', { ...ns, document: { sku: 'a' } });
    expect(denied.status).toBe(401);
    expect(denied.json.error_code).toBe('NoMatchingRule');
    const inserted = await action(
      'insertOne',
      { ...ns, document: { sku: 'b' } },
      { 'x-secret-key': 'my-secret' },
    );
    expect(inserted.status).toBe(201);
    expect(inserted.json.insertedId).toMatch(/^[0-9a-f]{24}$/);
    const found = await action(
      'find',
      { ...ns },
      { 'x-secret-key': 'my-secret', Accept: 'application/ejson' },
    );
    expect(found.status).toBe(200);
    expect(found.json).toEqual({ documents: [{ _id: { $oid: inserted.json.insertedId }, sku: 'b' }] });
    const bad = await action('find', { ...ns, limit: 'ten' }, { 'x-secret-key': 'my-secret' });
    expect(bad.status).toBe(400);
    expect(bad.json.error_code).toBe('InvalidParameter');
  });

  it("checks an endpoint's can_evaluate in the worker", async () => {
    expect((await platform.call(appId, '/guarded')).status).toBe(401);
    const allowed = await platform.call(appId, '/guarded', { headers: { 'User-Agent': 'portico-test' } });
    expect(allowed.status).toBe(200);
    expect(allowed.json).toBe('hi');
  });
});
