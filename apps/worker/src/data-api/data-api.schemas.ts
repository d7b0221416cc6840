import { z } from 'zod';
import type { DataApiAction } from '@portico/contracts';

/**
 * Request bodies of the Data API actions (reference §4; DAS:openapi-data-api-v1/components/schemas).
 * Values have been through EJSON already, so a filter may hold ObjectIds, Dates and the like. Unknown
 * fields are ignored, as a newer client may send options this version does not know.
 */
const document = z.record(z.string(), z.unknown());
const filter = document;
const namespace = {
  dataSource: z.string().min(1),
  database: z.string().min(1),
  collection: z.string().min(1),
};
const count = z.number().int().nonnegative();
const sort = z.record(z.string(), z.union([z.literal(1), z.literal(-1)]));
const update = z.union([document, z.array(document)]);

export const DATA_API_BODIES = {
  findOne: z.object({ ...namespace, filter: filter.default({}), projection: document.optional() }),
  find: z.object({
    ...namespace,
    filter: filter.default({}),
    projection: document.optional(),
    sort: sort.optional(),
    limit: count.optional(),
    skip: count.optional(),
  }),
  insertOne: z.object({ ...namespace, document }),
  insertMany: z.object({ ...namespace, documents: z.array(document) }),
  updateOne: z.object({ ...namespace, filter, update, upsert: z.boolean().default(false) }),
  updateMany: z.object({ ...namespace, filter, update, upsert: z.boolean().default(false) }),
  replaceOne: z.object({ ...namespace, filter, replacement: document, upsert: z.boolean().default(false) }),
  deleteOne: z.object({ ...namespace, filter }),
  deleteMany: z.object({ ...namespace, filter }),
  aggregate: z.object({ ...namespace, pipeline: z.array(document) }),
} satisfies Record<DataApiAction, z.ZodType>;

export type DataApiBody<A extends DataApiAction> = z.output<(typeof DATA_API_BODIES)[A]>;
