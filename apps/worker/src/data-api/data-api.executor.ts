import { MAX_DOCUMENTS_PER_QUERY, type AppId, type DataApiAction } from '@portico/contracts';
import type { Namespace, TenantDataRepository, UpdateResult } from '@portico/store';
import type { DataApiBody } from './data-api.schemas';
import { DataApiRequestError } from './data-api.errors';

/** What an action produced: the status to answer with and the value to render as the body. */
export interface DataApiOutcome {
  status: number;
  value: Record<string, unknown>;
}

const ok = (value: Record<string, unknown>): DataApiOutcome => ({ status: 200, value });
/** Inserts answer 201, as App Services and its parity emulator did (reference §4). */
const created = (value: Record<string, unknown>): DataApiOutcome => ({ status: 201, value });

/** `{matchedCount, modifiedCount}` plus `upsertedId` only when a document was upserted (reference §4). */
const updateAnswer = ({ matchedCount, modifiedCount, upsertedId }: UpdateResult): DataApiOutcome =>
  ok(
    upsertedId === undefined ? { matchedCount, modifiedCount } : { matchedCount, modifiedCount, upsertedId },
  );

type Executors = {
  [A in DataApiAction]: (ns: Namespace, body: DataApiBody<A>) => Promise<DataApiOutcome>;
};

/**
 * Runs a checked Data API request on one app's data (reference §4), with the response shapes of the
 * docs' live tests. The app is bound here, never taken from the request: `dataSource` only names one of
 * the app's own data sources. Queries return at most `MAX_DOCUMENTS_PER_QUERY` documents.
 */
export function createDataApiExecutor(data: TenantDataRepository, appId: AppId, services: readonly string[]) {
  const run: Executors = {
    findOne: async (ns, { filter, projection }) =>
      ok({ document: await data.findOne(appId, ns, filter, { projection }) }),
    find: async (ns, { filter, projection, sort, skip, limit }) => {
      const capped =
        limit === undefined || limit === 0
          ? MAX_DOCUMENTS_PER_QUERY
          : Math.min(limit, MAX_DOCUMENTS_PER_QUERY);
      return ok({ documents: await data.find(appId, ns, filter, { projection, sort, skip, limit: capped }) });
    },
    insertOne: async (ns, { document }) =>
      created({ insertedId: (await data.insertOne(appId, ns, document)).insertedId }),
    insertMany: async (ns, { documents }) => {
      if (documents.length === 0)
        throw new DataApiRequestError('InvalidParameter', "'documents' must not be empty");
      return created({ insertedIds: (await data.insertMany(appId, ns, documents)).insertedIds });
    },
    updateOne: async (ns, { filter, update, upsert }) =>
      updateAnswer(await data.updateOne(appId, ns, filter, update, { upsert })),
    updateMany: async (ns, { filter, update, upsert }) =>
      updateAnswer(await data.updateMany(appId, ns, filter, update, { upsert })),
    replaceOne: async (ns, { filter, replacement, upsert }) =>
      updateAnswer(await data.replaceOne(appId, ns, filter, replacement, { upsert })),
    deleteOne: async (ns, { filter }) => ok(await data.deleteOne(appId, ns, filter)),
    deleteMany: async (ns, { filter }) => ok(await data.deleteMany(appId, ns, filter)),
    aggregate: async (ns, { pipeline }) => {
      const documents = await data.aggregate(appId, ns, pipeline);
      // Truncating would silently drop data: say so instead, as a find's limit cannot be set here.
      if (documents.length > MAX_DOCUMENTS_PER_QUERY)
        throw new DataApiRequestError(
          'InvalidParameter',
          `the aggregation returned more than ${MAX_DOCUMENTS_PER_QUERY} documents; add a $limit stage`,
        );
      return ok({ documents });
    },
  };

  return <A extends DataApiAction>(action: A, body: DataApiBody<A>): Promise<DataApiOutcome> => {
    if (!services.includes(body.dataSource))
      throw new DataApiRequestError('InvalidParameter', `no data source named '${body.dataSource}'`);
    return run[action]({ db: body.database, collection: body.collection }, body);
  };
}
