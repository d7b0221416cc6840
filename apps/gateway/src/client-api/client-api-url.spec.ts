import { parseClientApiUrl } from './client-api-url';

describe('parseClientApiUrl', () => {
  it('recognises login for any provider, with the app id and provider decoded', () => {
    expect(
      parseClientApiUrl('POST', '/api/client/v2.0/app/shop-abcde/auth/providers/anon-user/login'),
    ).toEqual({
      scope: 'app',
      appId: 'shop-abcde',
      op: 'login',
      provider: 'anon-user',
    });
    expect(
      parseClientApiUrl('POST', '/api/client/v2.0/app/shop-abcde/auth/providers/custom%2Dtoken/login?x=1'),
    ).toMatchObject({
      provider: 'custom-token',
    });
  });

  it('recognises the local-userpass calls and nothing else under a provider', () => {
    const base = '/api/client/v2.0/app/a-abcde/auth/providers/local-userpass/';
    expect(parseClientApiUrl('POST', `${base}register`)?.op).toBe('register');
    expect(parseClientApiUrl('POST', `${base}confirm`)?.op).toBe('confirm');
    expect(parseClientApiUrl('POST', `${base}confirm/call`)?.op).toBe('confirm-call');
    expect(parseClientApiUrl('POST', `${base}reset`)?.op).toBe('reset');
    expect(parseClientApiUrl('POST', `${base}reset/call`)?.op).toBe('reset-call');
    expect(parseClientApiUrl('POST', `${base}unknown`)).toBeUndefined();
    expect(
      parseClientApiUrl('POST', '/api/client/v2.0/app/a-abcde/auth/providers/anon-user/register'),
    ).toBeUndefined();
    expect(parseClientApiUrl('GET', `${base}register`)).toBeUndefined();
  });

  it('recognises the session calls by method, and leaves other paths (legacy webhooks) alone', () => {
    expect(parseClientApiUrl('POST', '/api/client/v2.0/auth/session')).toEqual({
      scope: 'session',
      op: 'refresh',
    });
    expect(parseClientApiUrl('DELETE', '/api/client/v2.0/auth/session')).toEqual({
      scope: 'session',
      op: 'logout',
    });
    expect(parseClientApiUrl('GET', '/api/client/v2.0/auth/profile')).toEqual({
      scope: 'session',
      op: 'profile',
    });
    expect(parseClientApiUrl('GET', '/api/client/v2.0/auth/session')).toBeUndefined();
    expect(
      parseClientApiUrl('POST', '/api/client/v2.0/app/a-abcde/service/http/incoming_webhook/create'),
    ).toBeUndefined();
    expect(parseClientApiUrl('POST', '/app/a-abcde/endpoint/auth/session')).toBeUndefined();
  });

  it("recognises a user's API key calls", () => {
    const id = 'a'.repeat(24);
    expect(parseClientApiUrl('POST', '/api/client/v2.0/auth/api_keys')).toEqual({
      scope: 'user',
      op: 'api-key-create',
    });
    expect(parseClientApiUrl('GET', '/api/client/v2.0/auth/api_keys')).toEqual({
      scope: 'user',
      op: 'api-key-list',
    });
    expect(parseClientApiUrl('GET', `/api/client/v2.0/auth/api_keys/${id}`)).toEqual({
      scope: 'user',
      op: 'api-key-get',
      apiKeyId: id,
    });
    expect(parseClientApiUrl('DELETE', `/api/client/v2.0/auth/api_keys/${id}`)?.op).toBe('api-key-delete');
    expect(parseClientApiUrl('PUT', `/api/client/v2.0/auth/api_keys/${id}/enable`)?.op).toBe(
      'api-key-enable',
    );
    expect(parseClientApiUrl('PUT', `/api/client/v2.0/auth/api_keys/${id}/disable`)?.op).toBe(
      'api-key-disable',
    );
    expect(parseClientApiUrl('PUT', '/api/client/v2.0/auth/api_keys/not-an-id/enable')).toBeUndefined();
    expect(parseClientApiUrl('DELETE', '/api/client/v2.0/auth/api_keys')).toBeUndefined();
  });
});
