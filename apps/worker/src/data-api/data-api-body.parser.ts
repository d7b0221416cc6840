import { EJSON } from 'bson';
import type { z } from 'zod';
import type { DataApiAction, GuestRequest } from '@portico/contracts';
import { DATA_API_BODIES, type DataApiBody } from './data-api.schemas';
import { DataApiRequestError } from './data-api.errors';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** `a.b.0` or `(body)`, for messages. */
const pathOf = (path: readonly PropertyKey[]): string =>
  path.length === 0 ? 'body' : path.map(String).join('.');

function describe(error: z.ZodError): DataApiRequestError {
  const first = error.issues[0];
  const field = pathOf(first.path);
  // zod reports an absent required field as an invalid_type issue that received undefined.
  if (first.code === 'invalid_type' && /received undefined/.test(first.message))
    return new DataApiRequestError('MissingParameter', `missing required field '${field}'`);
  return new DataApiRequestError('InvalidParameter', `invalid '${field}': ${first.message}`);
}

/**
 * The request body of a Data API action, decoded and checked (reference §4). Both `application/json`
 * and `application/ejson` bodies are read as Extended JSON, canonical or relaxed: the docs' own JSON
 * examples filter on `{"_id": {"$oid": "…"}}`, and a plain JSON body means the same in both readings.
 */
export function parseDataApiBody<A extends DataApiAction>(action: A, request: GuestRequest): DataApiBody<A> {
  if (request.body === null || request.body.byteLength === 0)
    throw new DataApiRequestError('MissingParameter', 'the request has no body');
  let parsed: unknown;
  try {
    parsed = EJSON.parse(decoder.decode(request.body), { relaxed: true });
  } catch (err) {
    throw new DataApiRequestError(
      'InvalidParameter',
      `the body is not valid JSON: ${(err as Error).message}`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new DataApiRequestError('InvalidParameter', 'the body must be a JSON object');
  const checked = DATA_API_BODIES[action].safeParse(parsed);
  if (!checked.success) throw describe(checked.error);
  return checked.data as DataApiBody<A>;
}
