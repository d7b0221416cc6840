import { EJSON } from 'bson';
import { PorticoError, ErrorCode, type AppId, type FunctionBundle } from '@portico/contracts';
import type { Doc, TenantDataRepository, Namespace, Update, BulkWriteOp } from '@portico/store';
import type { HostCall, HostCallHandler } from '@portico/sandbox';

type Sort = Record<string, 1 | -1>;

const asObject = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
/**
 * Option numbers arrive as canonical EJSON, so `limit: 2` is an Int32 (or Double/Long) here; the
 * repository wants plain numbers.
 */
const num = (v: unknown): number | undefined => {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && typeof (v as { valueOf(): unknown }).valueOf() === 'number')
    return (v as { valueOf(): number }).valueOf();
  if (v && typeof v === 'object' && typeof (v as { toNumber?: unknown }).toNumber === 'function')
    return (v as { toNumber(): number }).toNumber();
  return undefined;
};
const sortSpec = (v: unknown): Sort | undefined => {
  if (!v || typeof v !== 'object') return undefined;
  const out: Sort = {};
  for (const [field, dir] of Object.entries(v)) out[field] = (num(dir) ?? 1) < 0 ? -1 : 1;
  return out;
};

/** Atlas `findOneAnd*` options with EJSON numbers made plain (reference §2.8: `returnNewDocument`). */
const modifyOptions = (v: unknown) => {
  const o = asObject(v);
  return {
    upsert: o.upsert === true,
    returnNewDocument: o.returnNewDocument === true,
    sort: sortSpec(o.sort),
    projection: o.projection as Doc | undefined,
  };
};

/**
 * The data operations a guest may ask for, each bound to the app the sandbox host is serving: the
 * guest names a service, database and collection, never an app (DESIGN "Sandbox": tenant isolation
 * does not depend on guest code). Arguments mirror the Atlas collection API (reference §2.8).
 */
function collectionOps(data: TenantDataRepository, appId: AppId) {
  return {
    find: (ns: Namespace, [filter, projection, options]: unknown[]) => {
      const o = asObject(options);
      return data.find(appId, ns, asObject(filter), {
        projection: (projection as Doc) ?? (o.projection as Doc | undefined),
        sort: sortSpec(o.sort),
        skip: num(o.skip),
        limit: num(o.limit),
      });
    },
    findOne: (ns: Namespace, [filter, projection, options]: unknown[]) => {
      const o = asObject(options);
      return data.findOne(appId, ns, asObject(filter), {
        projection: (projection as Doc) ?? (o.projection as Doc | undefined),
        sort: sortSpec(o.sort),
      });
    },
    insertOne: (ns: Namespace, [doc]: unknown[]) => data.insertOne(appId, ns, asObject(doc)),
    insertMany: (ns: Namespace, [docs, options]: unknown[]) => {
      if (!Array.isArray(docs))
        throw new PorticoError(ErrorCode.InvalidParameter, 'insertMany expects an array of documents', 400);
      return data.insertMany(appId, ns, docs as Doc[], options as { ordered?: boolean });
    },
    updateOne: (ns: Namespace, [filter, update, options]: unknown[]) =>
      data.updateOne(appId, ns, asObject(filter), update as Update, options as { upsert?: boolean }),
    updateMany: (ns: Namespace, [filter, update, options]: unknown[]) =>
      data.updateMany(appId, ns, asObject(filter), update as Update, options as { upsert?: boolean }),
    replaceOne: (ns: Namespace, [filter, replacement, options]: unknown[]) =>
      data.replaceOne(appId, ns, asObject(filter), asObject(replacement), options as { upsert?: boolean }),
    deleteOne: (ns: Namespace, [filter]: unknown[]) => data.deleteOne(appId, ns, asObject(filter)),
    deleteMany: (ns: Namespace, [filter]: unknown[]) => data.deleteMany(appId, ns, asObject(filter)),
    findOneAndUpdate: (ns: Namespace, [filter, update, options]: unknown[]) =>
      data.findOneAndUpdate(appId, ns, asObject(filter), update as Update, modifyOptions(options)),
    findOneAndReplace: (ns: Namespace, [filter, replacement, options]: unknown[]) =>
      data.findOneAndReplace(appId, ns, asObject(filter), asObject(replacement), modifyOptions(options)),
    findOneAndDelete: (ns: Namespace, [filter, options]: unknown[]) => {
      const { sort, projection } = modifyOptions(options);
      return data.findOneAndDelete(appId, ns, asObject(filter), { sort, projection });
    },
    aggregate: (ns: Namespace, [pipeline]: unknown[]) => {
      if (!Array.isArray(pipeline))
        throw new PorticoError(ErrorCode.InvalidParameter, 'aggregate expects a pipeline array', 400);
      return data.aggregate(appId, ns, pipeline as Doc[]);
    },
    count: (ns: Namespace, [filter, options]: unknown[]) => {
      const o = asObject(options);
      return data.count(appId, ns, asObject(filter), { skip: num(o.skip), limit: num(o.limit) });
    },
    countDocuments: (ns: Namespace, [filter, options]: unknown[]) => {
      const o = asObject(options);
      return data.count(appId, ns, asObject(filter), { skip: num(o.skip), limit: num(o.limit) });
    },
    distinct: (ns: Namespace, [field, filter]: unknown[]) => {
      if (typeof field !== 'string')
        throw new PorticoError(ErrorCode.InvalidParameter, 'distinct expects a field name', 400);
      return data.distinct(appId, ns, field, asObject(filter));
    },
    bulkWrite: (ns: Namespace, [ops, options]: unknown[]) => {
      if (!Array.isArray(ops))
        throw new PorticoError(ErrorCode.InvalidParameter, 'bulkWrite expects an array of operations', 400);
      return data.bulkWrite(appId, ns, ops as BulkWriteOp[], options as { ordered?: boolean });
    },
  } satisfies Record<string, (ns: Namespace, args: unknown[]) => Promise<unknown>>;
}

type CollectionOp = keyof ReturnType<typeof collectionOps>;

/**
 * Builds the `HostCallHandler` for one invocation of `bundle`'s app. Ops: `mongodb.<method>` with args
 * `[service, db, collection, ...methodArgs]`, `mongodb.getDBNames` `[service]`,
 * `mongodb.getCollectionNames` `[service, db]`. Arguments and results are canonical EJSON text.
 */
export function createDataHostCalls(data: TenantDataRepository, bundle: FunctionBundle): HostCallHandler {
  const appId = bundle.appId as AppId;
  const ops = collectionOps(data, appId);
  return async ({ op, args }: HostCall): Promise<string> => {
    const parsed = EJSON.parse(args, { relaxed: false }) as unknown;
    if (!Array.isArray(parsed))
      throw new PorticoError(ErrorCode.InvalidParameter, 'host call arguments must be an array', 400);
    const [service, ...rest] = parsed as [unknown, ...unknown[]];
    if (typeof service !== 'string' || !bundle.services.includes(service)) {
      throw new PorticoError(ErrorCode.InvalidParameter, `no service named '${String(service)}'`, 400);
    }
    const method = op.startsWith('mongodb.') ? op.slice('mongodb.'.length) : '';
    let result: unknown;
    if (method === 'getDBNames') {
      result = await data.listDatabases(appId);
    } else if (method === 'getCollectionNames') {
      result = await data.listCollections(appId, String(rest[0]));
    } else if (Object.hasOwn(ops, method)) {
      const [db, collection, ...methodArgs] = rest;
      if (typeof db !== 'string' || typeof collection !== 'string' || db === '' || collection === '') {
        throw new PorticoError(
          ErrorCode.InvalidParameter,
          'database and collection names must be non-empty strings',
          400,
        );
      }
      result = await ops[method as CollectionOp]({ db, collection }, methodArgs);
    } else {
      throw new PorticoError(ErrorCode.InvalidParameter, `unsupported operation '${op}'`, 400);
    }
    return EJSON.stringify(result ?? null, { relaxed: false });
  };
}
