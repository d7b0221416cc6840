import { z } from 'zod';

/** The Data API v1 actions (reference §4), served at `/app/<appId>/endpoint/data/<version>/action/<action>`. */
export const DATA_API_ACTIONS = [
  'findOne',
  'find',
  'insertOne',
  'insertMany',
  'updateOne',
  'updateMany',
  'replaceOne',
  'deleteOne',
  'deleteMany',
  'aggregate',
] as const;
export type DataApiAction = (typeof DATA_API_ACTIONS)[number];

/** Data API versions a `data_api_config.json` may enable (reference §1.3). */
export const DATA_API_VERSIONS = ['v1', 'beta'] as const;

/** Most documents one Data API query returns (reference §2.9: 50,000 documents per query). */
export const MAX_DOCUMENTS_PER_QUERY = 50_000;

/** What a Data API invocation job carries besides the raw request (`InvocationJob.dataApi`). */
export const DataApiCallSchema = z.object({
  action: z.enum(DATA_API_ACTIONS),
  version: z.string(),
});
export type DataApiCall = z.infer<typeof DataApiCallSchema>;
