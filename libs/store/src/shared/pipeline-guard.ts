import type { Doc } from '../store.port';
import { isPlainObject } from './documents';
import { invalidOperation } from './store-errors';

/**
 * Stages that write elsewhere or read server-wide state: a tenant's pipeline could reach another
 * tenant's database or platform internals through them, so neither adapter runs them.
 */
const FORBIDDEN_STAGES = new Set([
  '$out',
  '$merge',
  '$currentOp',
  '$listSessions',
  '$listLocalSessions',
  '$indexStats',
  '$collStats',
  '$planCacheStats',
  '$changeStream',
  '$listSearchIndexes',
]);

/**
 * Rejects pipelines that could leave the tenant's own database: forbidden stages anywhere (also in
 * `$facet`, `$lookup` and `$unionWith` sub-pipelines) and `$lookup`/`$graphLookup`/`$unionWith`
 * naming anything but a collection of the same database (MongoDB resolves a plain name there).
 */
export function assertPipelineAllowed(pipeline: Doc[]): void {
  if (!Array.isArray(pipeline)) throw invalidOperation('a pipeline must be an array of stages');
  for (const stage of pipeline) {
    if (!isPlainObject(stage) || Object.keys(stage).length !== 1) {
      throw invalidOperation('each pipeline stage must be an object with exactly one field');
    }
    const [name, spec] = Object.entries(stage)[0];
    if (FORBIDDEN_STAGES.has(name)) throw invalidOperation(`the ${name} stage is not allowed`);
    switch (name) {
      case '$lookup':
      case '$graphLookup':
        if (isPlainObject(spec)) {
          if (spec.from !== undefined && typeof spec.from !== 'string') {
            throw invalidOperation(`${name}.from must name a collection of the same database`);
          }
          if (Array.isArray(spec.pipeline)) assertPipelineAllowed(spec.pipeline as Doc[]);
        }
        break;
      case '$unionWith':
        if (isPlainObject(spec)) {
          if (typeof spec.coll !== 'string')
            throw invalidOperation('$unionWith.coll must name a collection of the same database');
          if (Array.isArray(spec.pipeline)) assertPipelineAllowed(spec.pipeline as Doc[]);
        } else if (typeof spec !== 'string') {
          throw invalidOperation('$unionWith must name a collection of the same database');
        }
        break;
      case '$facet':
        if (isPlainObject(spec)) for (const sub of Object.values(spec)) assertPipelineAllowed(sub as Doc[]);
        break;
      default:
        break;
    }
  }
}
