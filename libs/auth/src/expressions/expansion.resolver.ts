import { EXPANSION_ROOTS, type ExpansionRoot } from './expression.vocabulary';
import { ExpressionError, type ExpressionContext } from './expression.types';

const ROOTS: ReadonlySet<string> = new Set(EXPANSION_ROOTS);

/** The root of `%%name.rest`, or undefined when it is not one Portico knows (`%%true`/`%%false` excluded). */
export function expansionRoot(expansion: string): ExpansionRoot | undefined {
  const dot = expansion.indexOf('.');
  const root = expansion.slice(2, dot === -1 ? undefined : dot);
  return ROOTS.has(root) ? (root as ExpansionRoot) : undefined;
}

/** `name` of `object`, own properties only (a path like `constructor` must not reach the prototype). */
function own(object: unknown, name: string, caseInsensitive: boolean): unknown {
  if (object === null || typeof object !== 'object') return undefined;
  if (Array.isArray(object)) return /^\d+$/.test(name) ? (object[Number(name)] as unknown) : undefined;
  const record = object as Record<string, unknown>;
  if (Object.hasOwn(record, name)) return record[name];
  if (!caseInsensitive) return undefined;
  const lower = name.toLowerCase();
  for (const key of Object.keys(record)) if (key.toLowerCase() === lower) return record[key];
  return undefined;
}

/** Walks a dotted path from `start`; `caseInsensitiveAt` is the segment index whose keys ignore case. */
export function walkPath(start: unknown, segments: readonly string[], caseInsensitiveAt = -1): unknown {
  let current = start;
  for (let i = 0; i < segments.length && current !== undefined; i++)
    current = own(current, segments[i], i === caseInsensitiveAt);
  return current;
}

/**
 * The runtime value of an expansion string (`%%request.requestHeaders.x-secret-key`, `%%user.id`,
 * `%%values.adminIds`, `%%true`…). Header names under `%%request.requestHeaders` match case-insensitively
 * (reference §7.6). A path through a missing part is `undefined`; an unknown root is an error.
 */
export function resolveExpansion(expansion: string, ctx: ExpressionContext): unknown {
  if (expansion === '%%true') return true;
  if (expansion === '%%false') return false;
  const root = expansionRoot(expansion);
  if (root === undefined) throw new ExpressionError(`unknown expansion '${expansion}'`);
  const segments = expansion.split('.').slice(1);
  const base: unknown = ctx[root];
  // `%%request.requestHeaders.<name>`: segment 1 is the header name.
  const headerAt = root === 'request' && segments[0] === 'requestHeaders' ? 1 : -1;
  return walkPath(base, segments, headerAt);
}
