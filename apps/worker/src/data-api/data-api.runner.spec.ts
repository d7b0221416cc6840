import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EJSON, ObjectId } from 'bson';
import { type DataApiAction, type FunctionBundle, type InvocationJob } from '@portico/contracts';
import { EmbeddedStore } from '@portico/store';
import { runDataApi } from './data-api.runner';

/** The Data API actions against a real SQLite store (reference §4 and the docs' live-tested outputs). */
describe('runDataApi (embedded store)', () => {
  let dir: string;
  let store: EmbeddedStore;
  const bundle = (appId: string): FunctionBundle => ({
    appId,
    appName: 'x',
    version: 1,
    created_at: new Date().toISOString(),
    limits: { timeout_ms: 1000, memory_mb: 64, max_request_bytes: 1000 },
    functions: {},
    values: {},
    environment: { tag: '', values: {} },
    services: ['mongodb-atlas'],
  });
  const ns = { dataSource: 'mongodb-atlas', database: 'learn-data-api', collection: 'tasks' };

  const job = (
    action: DataApiAction,
    body: string | null,
    responseFormat: 'JSON' | 'EJSON' = 'JSON',
  ): InvocationJob => ({
    kind: 'data-api',
    requestId: 'r1',
    appId: 'tasks-abcde',
    version: 1,
    functionName: action,
    deadline: Date.now() + 10_000,
    request: {
      method: 'POST',
      route: `/data/v1/action/${action}`,
      headers: { 'Content-Type': ['application/json'] },
      query: {},
      rawQueryString: '',
      remoteIPAddress: '127.0.0.1',
      body: body === null ? null : Buffer.from(body),
    },
    endpoint: { route: `/data/v1/action/${action}`, httpMethod: 'POST', respondResult: true },
    responseFormat,
    user: { id: 'system', type: 'system', data: {}, custom_data: {}, identities: [] },
    runAsSystem: true,
    dataApi: { action, version: 'v1' },
  });

  const call = async (
    action: DataApiAction,
    body: Record<string, unknown> | string | null,
    format: 'JSON' | 'EJSON' = 'JSON',
    appId = 'tasks-abcde',
  ) => {
    const text = body === null || typeof body === 'string' ? body : JSON.stringify({ ...ns, ...body });
    const result = await runDataApi(store.data, bundle(appId), job(action, text, format), Date.now());
    const raw = result.response?.body ? Buffer.from(result.response.body).toString('utf8') : undefined;
    return {
      status: result.response?.status,
      error: result.error,
      raw,
      json: raw ? JSON.parse(raw) : undefined,
    };
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'portico-data-api-'));
    store = EmbeddedStore.open(dir);
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('insertOne answers 201 {insertedId} as the hex string in JSON, {"$oid"} in EJSON', async () => {
    const json = await call('insertOne', { document: { status: 'open', text: 'Do the dishes' } });
    expect(json.status).toBe(201);
    expect(json.json).toEqual({ insertedId: expect.stringMatching(/^[0-9a-f]{24}$/) });
    const ejson = await call('insertOne', { document: { status: 'open', text: 'Walk the dog' } }, 'EJSON');
    expect(ejson.status).toBe(201);
    expect(ejson.json).toEqual({ insertedId: { $oid: expect.stringMatching(/^[0-9a-f]{24}$/) } });
  });

  it('insertMany answers 201 {insertedIds}, then find filters, sorts, projects, skips and limits', async () => {
    const inserted = await call('insertMany', {
      documents: [
        {
          status: 'complete',
          text: 'Mop the floor',
          completedAt: { $date: '2023-03-29T15:54:32.788Z' },
          n: 3,
        },
        { status: 'complete', text: 'Clean the windows', n: 1 },
        { status: 'complete', text: 'Vacuum', n: 2 },
      ],
    });
    expect(inserted.status).toBe(201);
    expect(inserted.json.insertedIds).toHaveLength(3);

    const found = await call('find', {
      filter: { status: 'complete' },
      sort: { n: 1 },
      projection: { _id: 0, text: 1, completedAt: 1 },
      skip: 1,
      limit: 5,
    });
    expect(found.status).toBe(200);
    expect(found.json).toEqual({
      documents: [{ text: 'Vacuum' }, { text: 'Mop the floor', completedAt: '2023-03-29T15:54:32.788Z' }],
    });
  });

  it('findOne takes an EJSON {"$oid"} filter and answers {document} or {document: null}', async () => {
    const { json } = await call('insertOne', { document: { text: 'by id' } });
    const found = await call('findOne', { filter: { _id: { $oid: json.insertedId } } }, 'EJSON');
    expect(EJSON.parse(found.raw!, { relaxed: false })).toEqual({
      document: { _id: new ObjectId(json.insertedId as string), text: 'by id' },
    });
    expect((await call('findOne', { filter: { _id: { $oid: new ObjectId().toHexString() } } })).json).toEqual(
      {
        document: null,
      },
    );
  });

  it('aggregate answers {documents} ($group count, as in the live test)', async () => {
    const { json } = await call('aggregate', {
      pipeline: [{ $match: { status: 'complete' } }, { $group: { _id: '$status', count: { $sum: 1 } } }],
    });
    expect(json).toEqual({ documents: [{ _id: 'complete', count: 3 }] });
  });

  it('updateOne, updateMany and replaceOne answer the counts, and upsertedId only when upserted', async () => {
    expect(
      (await call('updateOne', { filter: { text: 'Vacuum' }, update: { $set: { n: 20 } } })).json,
    ).toEqual({
      matchedCount: 1,
      modifiedCount: 1,
    });
    expect(
      (await call('updateMany', { filter: { status: 'complete' }, update: { $inc: { n: 1 } } })).json,
    ).toEqual({ matchedCount: 3, modifiedCount: 3 });
    expect(
      (
        await call('replaceOne', {
          filter: { text: 'Vacuum' },
          replacement: { text: 'Vacuum', status: 'open' },
        })
      ).json,
    ).toEqual({ matchedCount: 1, modifiedCount: 1 });
    const upserted = await call('updateOne', {
      filter: { text: 'new' },
      update: { $set: { status: 'open' } },
      upsert: true,
    });
    expect(upserted.json).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedId: expect.any(String) });
  });

  it('deleteOne and deleteMany answer {deletedCount}', async () => {
    expect((await call('deleteOne', { filter: { status: 'complete' } })).json).toEqual({ deletedCount: 1 });
    expect((await call('deleteMany', { filter: { status: 'complete' } })).json).toEqual({ deletedCount: 1 });
    expect((await call('deleteMany', { filter: { status: 'complete' } })).json).toEqual({ deletedCount: 0 });
  });

  it('keeps apps apart: another app sees none of these documents', async () => {
    expect((await call('find', { filter: {} }, 'JSON', 'other-abcde')).json).toEqual({ documents: [] });
    expect((await call('find', { filter: {} })).json.documents.length).toBeGreaterThan(0);
  });

  it.each([
    [
      'find',
      { dataSource: 'mongodb-atlas', database: 'd' },
      'MissingParameter',
      "missing required field 'collection'",
    ],
    ['insertOne', { ...ns }, 'MissingParameter', "missing required field 'document'"],
    ['find', { ...ns, limit: -1 }, 'InvalidParameter', "invalid 'limit'"],
    ['find', { ...ns, sort: { n: 2 } }, 'InvalidParameter', "invalid 'sort.n'"],
    ['aggregate', { ...ns, pipeline: {} }, 'InvalidParameter', "invalid 'pipeline'"],
    ['insertMany', { ...ns, documents: [] }, 'InvalidParameter', "'documents' must not be empty"],
    ['find', { ...ns, dataSource: 'elsewhere' }, 'InvalidParameter', "no data source named 'elsewhere'"],
    ['find', { ...ns, filter: { n: { $bogus: 1 } } }, 'InvalidParameter', '$bogus'],
  ] as const)('%s with %j answers 400 %s', async (action, body, code, message) => {
    const text = JSON.stringify(body);
    const result = await runDataApi(store.data, bundle('tasks-abcde'), job(action, text), Date.now());
    expect(result.response).toBeUndefined();
    expect(result.error).toEqual({ code, status: 400, message: expect.stringContaining(message) });
  });

  it("refuses an answer over the app's max_response_bytes", async () => {
    const small = { ...bundle('tasks-abcde'), limits: { ...bundle('x').limits, max_response_bytes: 40 } };
    const body = JSON.stringify({ ...ns, filter: {} });
    const result = await runDataApi(store.data, small, job('find', body), Date.now());
    expect(result.response).toBeUndefined();
    expect(result.error).toEqual({
      code: 'ResponseTooLarge',
      message: 'response body is larger than 40 bytes',
    });
    const fits = await runDataApi(
      store.data,
      small,
      job('deleteMany', JSON.stringify({ ...ns, filter: { none: 1 } })),
      Date.now(),
    );
    expect(fits.response?.status).toBe(200);
  });

  it('answers 400 for a missing, non-JSON or non-object body', async () => {
    expect((await call('find', null)).error).toMatchObject({ code: 'MissingParameter', status: 400 });
    expect((await call('find', '{nope')).error).toMatchObject({ code: 'InvalidParameter', status: 400 });
    expect((await call('find', '[1]')).error).toMatchObject({
      code: 'InvalidParameter',
      message: 'the body must be a JSON object',
    });
  });
});
