import { ErrorCode } from '@portico/contracts';
import { assertPipelineAllowed } from './pipeline-guard';

const rejects = (pipeline: unknown[]) =>
  expect(() => assertPipelineAllowed(pipeline as Record<string, unknown>[])).toThrow(
    expect.objectContaining({ code: ErrorCode.InvalidParameter, status: 400 }),
  );

describe('assertPipelineAllowed', () => {
  it('accepts ordinary stages, same-database lookups and unions', () => {
    expect(() =>
      assertPipelineAllowed([
        { $match: { a: 1 } },
        {
          $lookup: { from: 'other', localField: 'a', foreignField: 'b', as: 'j', pipeline: [{ $match: {} }] },
        },
        { $unionWith: { coll: 'more', pipeline: [{ $project: { a: 1 } }] } },
        { $unionWith: 'evenMore' },
        { $facet: { x: [{ $count: 'n' }] } },
        { $group: { _id: '$a' } },
      ]),
    ).not.toThrow();
  });

  it.each(['$out', '$merge', '$currentOp', '$collStats', '$indexStats', '$listSessions', '$planCacheStats'])(
    'rejects %s',
    (stage) => {
      rejects([{ [stage]: {} }]);
    },
  );

  it('rejects lookups and unions that name another database, and forbidden stages nested anywhere', () => {
    rejects([{ $lookup: { from: { db: 'x', coll: 'y' }, as: 'j' } }]);
    rejects([{ $graphLookup: { from: { db: 'x', coll: 'y' } } }]);
    rejects([{ $unionWith: { coll: { db: 'x' } } }]);
    rejects([{ $unionWith: 5 }]);
    rejects([{ $facet: { inner: [{ $merge: 'x' }] } }]);
    rejects([{ $lookup: { from: 'ok', as: 'j', pipeline: [{ $out: 'x' }] } }]);
    rejects([{ $unionWith: { coll: 'ok', pipeline: [{ $facet: { f: [{ $out: 'x' }] } }] } }]);
  });

  it('rejects malformed pipelines', () => {
    rejects([{ $match: {}, $limit: 1 }]);
    rejects(['$match']);
    expect(() => assertPipelineAllowed({} as unknown as Record<string, unknown>[])).toThrow();
  });
});
