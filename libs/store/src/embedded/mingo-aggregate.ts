import { Aggregator } from 'mingo';
import type { Doc } from '../store.port';
import { isPlainObject } from '../shared/documents';
import { idKey } from './document-codec';
import { MINGO_OPTIONS, withMingo } from './mingo-engine';
import { fromMingo, toMingo } from './mingo-values';

/** Stages whose output documents are input documents, filtered, reordered or reshaped. */
const RESHAPING_STAGES = new Set([
  '$match',
  '$sort',
  '$skip',
  '$limit',
  '$project',
  '$addFields',
  '$set',
  '$unset',
  '$lookup',
  '$sample',
]);

const isExclusion = (v: unknown): boolean => v === 0 || v === false;

/**
 * `pipeline` rewritten to keep `_id` on every output, when its outputs are its inputs reshaped (only
 * reshaping stages, `_id` never reassigned), so each output can be matched to its input document and
 * its unchanged fields keep their BSON types. `dropId` says the caller must remove `_id` afterwards,
 * because the original pipeline excluded it. Null when outputs cannot be traced to inputs.
 */
export function traceablePipeline(pipeline: Doc[]): { stages: Doc[]; dropId: boolean } | null {
  const stages: Doc[] = [];
  let dropId = false;
  for (const stage of pipeline) {
    const [name, spec] = Object.entries(stage)[0] ?? [];
    if (name === undefined || !RESHAPING_STAGES.has(name)) return null;
    // Once `_id` is gone, a later stage that names it would see it where the original did not.
    if (dropId && JSON.stringify(spec ?? null).includes('_id')) return null;
    if (name === '$project' && isPlainObject(spec) && Object.hasOwn(spec, '_id')) {
      const { _id, ...rest } = spec;
      if (!isExclusion(_id)) {
        if (_id !== 1 && _id !== true) return null; // `_id: <expression>` assigns a new _id
        stages.push(stage);
        continue;
      }
      dropId = true;
      if (Object.keys(rest).length > 0) stages.push({ $project: rest });
    } else if (name === '$unset' && (typeof spec === 'string' || Array.isArray(spec))) {
      const fields = ([] as unknown[]).concat(spec);
      const kept = fields.filter((f) => f !== '_id');
      if (kept.length !== fields.length) dropId = true;
      if (kept.length > 0) stages.push({ $unset: kept });
    } else if (
      (name === '$addFields' || name === '$set') &&
      isPlainObject(spec) &&
      Object.hasOwn(spec, '_id')
    ) {
      return null;
    } else {
      stages.push(stage);
    }
  }
  return { stages, dropId };
}

/**
 * Runs an aggregation pipeline over `docs` with mingo. `resolve` returns the documents of another
 * collection of the same app and database (`$lookup`, `$graphLookup`, `$unionWith`). Values that
 * pass through unchanged keep their BSON type; computed numbers are typed by BSON (int32 or double).
 */
export function aggregate(docs: Doc[], pipeline: Doc[], resolve: (collection: string) => Doc[]): Doc[] {
  const track = new WeakMap<object, unknown>();
  const input = docs.map((d) => toMingo(d, track) as Record<string, unknown>);
  const traced = traceablePipeline(pipeline);
  const byId = new Map<string, Doc>(traced ? docs.map((d) => [idKey(d._id), d]) : []);
  const output = withMingo(() =>
    new Aggregator(toMingo(traced?.stages ?? pipeline) as Record<string, unknown>[], {
      ...MINGO_OPTIONS,
      collectionResolver: (name: string) =>
        resolve(name).map((d) => toMingo(d, track) as Record<string, unknown>),
    }).run(input),
  );
  return output.map((out) => {
    const guide =
      traced && out._id !== undefined ? byId.get(idKey(fromMingo(out._id, undefined))) : undefined;
    const { _id, ...rest } = fromMingo(out, guide, { track }) as Doc;
    // MongoDB keeps `_id` first; mingo's $project moves it last.
    return _id === undefined || traced?.dropId ? rest : { _id, ...rest };
  });
}
