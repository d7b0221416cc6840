// RFC 7230 token characters: the bytes Go's textproto accepts in a header field name.
const TOKEN = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
  TOKEN[c.charCodeAt(0)] = 1;

/**
 * Go's `textproto.CanonicalMIMEHeaderKey`, which App Services applies to `request.headers` keys
 * (reference §2.2, §7.6): the first letter and every letter after a hyphen upper-case, the rest
 * lower-case (`content-type` → `Content-Type`, `X-CustomHeader` → `X-Customheader`). A key holding
 * a byte that is not a token character is returned unchanged, as Go does.
 */
export function canonicalMimeHeaderKey(key: string): string {
  let upper = true;
  let canonical = true;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c >= 128 || TOKEN[c] === 0) return key;
    if ((upper && c >= 97 && c <= 122) || (!upper && c >= 65 && c <= 90)) canonical = false;
    upper = c === 45;
  }
  if (canonical) return key;
  let out = '';
  upper = true;
  for (let i = 0; i < key.length; i++) {
    const ch = key[i];
    out += upper ? ch.toUpperCase() : ch.toLowerCase();
    upper = ch === '-';
  }
  return out;
}

/**
 * `request.headers` from Node's `rawHeaders` (`[name, value, name, value, …]`): MIME-canonical keys,
 * every occurrence kept in order as an array. `rawHeaders` is used because `IncomingMessage.headers`
 * already joined or dropped repeated fields. The object has no prototype, so a header named
 * `__proto__` is an ordinary key.
 */
export function canonicalHeaders(rawHeaders: readonly string[]): Record<string, string[]> {
  const headers = Object.create(null) as Record<string, string[]>;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const key = canonicalMimeHeaderKey(rawHeaders[i]);
    const values = headers[key];
    if (values === undefined) headers[key] = [rawHeaders[i + 1]];
    else values.push(rawHeaders[i + 1]);
  }
  return headers;
}
