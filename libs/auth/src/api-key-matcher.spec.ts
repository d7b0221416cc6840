import { generateApiKey, hashApiKey } from './api-key';
import { ApiKeyMatcher } from './api-key-matcher';

describe('ApiKeyMatcher', () => {
  const first = generateApiKey();
  const second = generateApiKey();
  const revoked = generateApiKey();
  const matcher = new ApiKeyMatcher([
    { id: 'k1', name: 'first', hash: hashApiKey(first), disabled: false },
    { id: 'k2', name: 'second', hash: hashApiKey(second), disabled: false },
    { id: 'k3', name: 'revoked', hash: hashApiKey(revoked), disabled: true },
    { id: 'bad', name: 'malformed', hash: 'not-hex', disabled: false },
  ]);

  it('returns the enabled key a presented key hashes to', () => {
    expect(matcher.match(first)).toEqual({ id: 'k1', name: 'first' });
    expect(matcher.match(second)).toEqual({ id: 'k2', name: 'second' });
  });

  it('ignores disabled keys and unknown keys', () => {
    expect(matcher.match(revoked)).toBeUndefined();
    expect(matcher.match('x'.repeat(64))).toBeUndefined();
    expect(matcher.match('')).toBeUndefined();
  });
});
