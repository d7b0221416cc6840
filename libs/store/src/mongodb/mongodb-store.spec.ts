import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { describeStoreContract } from '../testing/store-contract';
import { MongoStore } from './mongodb.store';

// No MongoDB server can run on the development machines; CI runs this suite against a mongo:7
// service container with MONGODB_URI set (.github/workflows/ci.yml).
const uri = process.env.MONGODB_URI;
const describeWithMongo = uri ? describe : describe.skip;
const title = uri
  ? 'MongoStore'
  : 'MongoStore (skipped: set MONGODB_URI to run the contract suite against MongoDB)';

describeWithMongo(title, () => {
  // A metadata database of its own per run; it and every tenant database it recorded are dropped after.
  const metadataDb = `portico_test_${randomBytes(4).toString('hex')}`;

  afterAll(async () => {
    const client = await new MongoClient(uri as string).connect();
    try {
      const registry = client.db(metadataDb).collection<{ _id: string }>('tenant_databases');
      for (const { _id } of await registry.find({}).toArray()) await client.db(_id).dropDatabase();
      await client.db(metadataDb).dropDatabase();
    } finally {
      await client.close();
    }
  });

  describe('contract', () => {
    describeStoreContract({
      open: ({ logRetention }) => MongoStore.open(uri as string, { metadataDb, logRetention }),
    });
  });

  it('creates the metadata indexes, the unique (appId, version) one included', async () => {
    const store = await MongoStore.open(uri as string, { metadataDb });
    try {
      const indexes = await store.client.db(metadataDb).collection('deployments').indexes();
      expect(indexes).toEqual(
        expect.arrayContaining([expect.objectContaining({ key: { appId: 1, version: 1 }, unique: true })]),
      );
    } finally {
      await store.close();
    }
  });
});
