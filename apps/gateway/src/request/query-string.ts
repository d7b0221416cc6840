/** The query of an endpoint request as the guest sees it (reference §2.2, §7.9). */
export interface ParsedQuery {
  /** First occurrence of each key, decoded. No prototype: `__proto__` is an ordinary key. */
  query: Record<string, string>;
  /** The query string without `?`, in its original order and encoding, minus `secret` when stripped. */
  rawQueryString: string;
  /** First `secret` value, when the caller asked for it to be stripped (SECRET_AS_QUERY_PARAM). */
  secret: string | undefined;
}

const SECRET_KEY = 'secret';

/** `application/x-www-form-urlencoded` decoding as Go's `url.QueryUnescape`; undefined when malformed. */
function unescape(component: string): string | undefined {
  const spaced = component.includes('+') ? component.replace(/\+/g, ' ') : component;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return undefined;
  }
}

/**
 * Parses a raw query string (without `?`) the way App Services fills `request.query`: pairs split on
 * `&`, `+` and percent escapes decoded, the first value of a repeated key kept, a pair with a
 * malformed escape skipped (Go's `url.ParseQuery` skips it too). With `stripSecret`, every `secret`
 * pair is removed from both `query` and `rawQueryString` and its first value returned on its own.
 */
export function parseQueryString(raw: string, stripSecret: boolean): ParsedQuery {
  const query = Object.create(null) as Record<string, string>;
  if (raw === '') return { query, rawQueryString: '', secret: undefined };
  let secret: string | undefined;
  let kept: string[] | undefined;
  const pairs = raw.split('&');
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i];
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = unescape(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : unescape(pair.slice(eq + 1));
    if (stripSecret && key === SECRET_KEY) {
      // Only now is a rebuilt raw string needed: copy the pairs kept so far, skip this one.
      kept ??= pairs.slice(0, i);
      if (secret === undefined && value !== undefined) secret = value;
      continue;
    }
    kept?.push(pair);
    if (key === undefined || value === undefined || key in query) continue;
    query[key] = value;
  }
  return { query, rawQueryString: kept === undefined ? raw : kept.join('&'), secret };
}
