import { ApiKeyMatcher, hashApiKey } from '@portico/auth';
import type { IncomingHttpHeaders } from 'node:http';
import type { FunctionFacts, Principal } from './credential-authenticator';
import { authenticateWebhook as authenticateWith, bodyCredentials } from './webhook-credentials';

const KEY = 'k'.repeat(64);
const keys = new ApiKeyMatcher([{ id: 'key1', name: 'ci', hash: hashApiKey(KEY), disabled: false }]);
const appAuth = { private: false, run_as_system: false, has_user_script: false };
const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
// No Bearer token in these cases, so the answer is synchronous (only the Bearer path returns a promise).
const authenticateWebhook = (
  fn: FunctionFacts,
  headers: IncomingHttpHeaders,
  body: Uint8Array | null,
  apiKeys: ApiKeyMatcher,
): Principal => authenticateWith(fn, headers, body, apiKeys, { appId: 'app-abcde' }) as Principal;

describe('legacy webhook body credentials (reference §3.2)', () => {
  it('reads api-key, email/password and jwtTokenString from a JSON body; nothing from other bodies', () => {
    expect(bodyCredentials(json({ 'api-key': 'a', other: 1 }))).toEqual({ apikey: 'a' });
    expect(bodyCredentials(json({ email: 'e', password: 'p' }))).toEqual({ email: 'e', password: 'p' });
    expect(bodyCredentials(json({ jwtTokenString: 't' }))).toEqual({ jwttokenstring: 't' });
    expect(bodyCredentials(json({ message: 'hi' }))).toBeUndefined();
    expect(bodyCredentials(new TextEncoder().encode('not json'))).toBeUndefined();
    expect(bodyCredentials(null)).toBeUndefined();
  });

  it('authenticates an api-key in the body like the apiKey header', () => {
    expect(authenticateWebhook(appAuth, {}, json({ 'api-key': KEY }), keys).user).toMatchObject({
      id: 'key1',
      type: 'server',
    });
    expect(() => authenticateWebhook(appAuth, {}, json({ 'api-key': 'wrong' }), keys)).toThrow(
      expect.objectContaining({ code: 'InvalidSession', status: 401 }),
    );
    expect(() => authenticateWebhook(appAuth, {}, json({ email: 'a@b.c' }), keys)).toThrow(
      expect.objectContaining({ code: 'MissingParameter', status: 400 }),
    );
  });

  it('refuses credentials in both the headers and the body', () => {
    expect(() => authenticateWebhook(appAuth, { apikey: KEY }, json({ 'api-key': KEY }), keys)).toThrow(
      expect.objectContaining({ code: 'InvalidParameter', status: 400 }),
    );
  });

  it('leaves system and fixed-user webhooks alone, and falls back to the headers', () => {
    const system = { ...appAuth, run_as_system: true };
    expect(authenticateWebhook(system, { apikey: 'x' }, json({ 'api-key': 'y' }), keys).runAsSystem).toBe(
      true,
    );
    expect(authenticateWebhook(appAuth, { apikey: KEY }, json({ message: 1 }), keys).user.id).toBe('key1');
  });
});
