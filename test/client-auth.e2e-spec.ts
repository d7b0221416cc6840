import { SignJWT, exportSPKI, generateKeyPair } from 'jose';
import { ClusterPlatform } from './support/cluster';
import { endpoint } from './support/endpoints';
import { answer, StandalonePlatform, type HttpAnswer, type PlatformUnderTest } from './support/standalone';

/**
 * Users end to end (issue #5 item 3; reference §1.7, §2.6, §3): auth providers set through the admin
 * API, the client login/session API on the data-plane port, Bearer tokens and credential headers on
 * endpoints, the admin user API, against a real standalone process (and one cluster run over Redis).
 */
const HS_KEY = 'hs256-signing-key-0123456789abcdefghijklmnopqrstuvwxyz';

const WHOAMI = 'exports = () => ({ user: context.user, system: context.runningAsSystem() })';

async function clientApi(
  platform: PlatformUnderTest,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  const res = await fetch(`${platform.gatewayUrl}/api/client/v2.0/${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return answer(res);
}

const login = (platform: PlatformUnderTest, appId: string, provider: string, body: unknown) =>
  clientApi(platform, 'POST', `app/${appId}/auth/providers/${provider}/login`, body);

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

async function expectOk(res: HttpAnswer, status = 200): Promise<HttpAnswer> {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text}`);
  return Promise.resolve(res);
}

/** An app with a whoami endpoint under application auth, and the providers given. */
async function deployApp(platform: PlatformUnderTest, providers: Record<string, unknown>): Promise<string> {
  const appId = await platform.createApp('users');
  await platform.putFunction(appId, 'whoami', { source: WHOAMI });
  await platform.putEndpoints(appId, [
    endpoint('/whoami', 'whoami'),
    endpoint('/whoami-create', 'whoami', { create_user_on_auth: true }),
  ]);
  await expectOk(await platform.admin('PUT', `/apps/${appId}/auth/providers`, providers));
  return appId;
}

const provider = (type: string, extra: Record<string, unknown> = {}) => ({ name: type, type, ...extra });

describe('client auth and users (standalone)', () => {
  const platform = new StandalonePlatform();
  let appId: string;

  beforeAll(async () => {
    await platform.start();
    appId = await platform.createApp('users');
    await platform.putFunction(appId, 'whoami', { source: WHOAMI });
    await platform.putFunction(appId, 'authFn', {
      private: true,
      source: `exports = (payload) => {
        if (payload.secret !== 'open sesame') throw new Error('go away');
        return payload.as === 'object' ? { id: payload.who } : payload.who;
      }`,
    });
    await platform.putFunction(appId, 'confirmFn', {
      private: true,
      source: `exports = async ({ token, tokenId, username }) => {
        if (username.startsWith('ok')) return { status: 'success' };
        if (username.startsWith('no')) return { status: 'fail' };
        await context.services.get('mongodb-atlas').db('auth').collection('tokens')
          .insertOne({ username, token, tokenId });
        return { status: 'pending' };
      }`,
    });
    await platform.putFunction(appId, 'resetFn', {
      private: true,
      source: `exports = ({ username, password }, mode) => ({ status: mode === 'allow' ? 'success' : 'fail' })`,
    });
    await platform.putFunction(appId, 'readToken', {
      run_as_system: true,
      source: `exports = ({ query }) => context.services.get('mongodb-atlas').db('auth').collection('tokens')
        .findOne({ username: query.username }, { _id: 0 })`,
    });
    await platform.putFunction(appId, 'saveProfile', {
      source: `exports = async () => {
        await context.services.get('mongodb-atlas').db('app').collection('profiles')
          .insertOne({ owner: context.user.id, plan: 'gold' });
        return 'saved';
      }`,
    });
    await platform.putEndpoints(appId, [
      endpoint('/whoami', 'whoami'),
      endpoint('/whoami-create', 'whoami', { create_user_on_auth: true }),
      endpoint('/whoami-custom', 'whoami', { fetch_custom_user_data: true }),
      endpoint('/token', 'readToken'),
      endpoint('/profile', 'saveProfile', { http_method: 'POST' }),
    ]);
    await expectOk(await platform.admin('PUT', `/apps/${appId}/secrets/jwt_key`, { value: HS_KEY }), 201);
    await expectOk(
      await platform.admin('PUT', `/apps/${appId}/auth/providers`, {
        'local-userpass': provider('local-userpass', {
          config: {
            autoConfirm: false,
            runConfirmationFunction: true,
            confirmationFunctionName: 'confirmFn',
            runResetFunction: true,
            resetFunctionName: 'resetFn',
          },
        }),
        'anon-user': provider('anon-user'),
        'custom-function': provider('custom-function', { config: { authFunctionName: 'authFn' } }),
        'custom-token': provider('custom-token', {
          config: { signingAlgorithm: 'HS256', audience: 'portico-e2e' },
          secret_config: { signingKeys: ['jwt_key'] },
          metadata_fields: [
            { required: true, name: 'email', field_name: 'email' },
            { required: false, name: 'profile.name', field_name: 'name' },
          ],
        }),
      }),
    );
    await expectOk(
      await platform.admin('PUT', `/apps/${appId}/auth/custom_user_data`, {
        enabled: true,
        mongo_service_name: 'mongodb-atlas',
        database_name: 'app',
        collection_name: 'profiles',
        user_id_field: 'owner',
      }),
    );
  }, 60_000);
  afterAll(async () => {
    await platform.stop();
  }, 30_000);

  const signHs = (claims: Record<string, unknown>, sub: string, audience = 'portico-e2e') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(sub)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(HS_KEY));

  describe('local-userpass', () => {
    it('registers (confirmed by the confirmation function), logs in, and calls an endpoint with the Bearer token', async () => {
      await expectOk(
        await clientApi(platform, 'POST', `app/${appId}/auth/providers/local-userpass/register`, {
          email: 'ok-ada@example.com',
          password: 'correct horse',
        }),
        201,
      );
      const session = (
        await expectOk(
          await login(platform, appId, 'local-userpass', {
            username: 'ok-ada@example.com',
            password: 'correct horse',
          }),
        )
      ).json;
      expect(session).toEqual({
        access_token: expect.any(String),
        refresh_token: expect.any(String),
        user_id: expect.stringMatching(/^[0-9a-f]{24}$/),
        device_id: expect.stringMatching(/^[0-9a-f]{24}$/),
      });
      const res = await expectOk(await platform.call(appId, '/whoami', bearer(session.access_token)));
      expect(res.json).toEqual({
        system: false,
        user: {
          id: session.user_id,
          type: 'normal',
          data: { email: 'ok-ada@example.com' },
          custom_data: {},
          identities: [{ id: 'ok-ada@example.com', provider_type: 'local-userpass' }],
        },
      });
      // The same user through the email + password headers (reference §3.2).
      const viaHeaders = await expectOk(
        await platform.call(appId, '/whoami', {
          headers: { email: 'OK-ada@example.com', password: 'correct horse' },
        }),
      );
      expect(viaHeaders.json.user.id).toBe(session.user_id);
      const profile = await expectOk(
        await clientApi(platform, 'GET', 'auth/profile', undefined, {
          authorization: `Bearer ${session.access_token}`,
        }),
      );
      expect(profile.json).toMatchObject({
        user_id: session.user_id,
        identities: [{ provider_type: 'local-userpass' }],
      });
    });

    it('refuses a wrong password at login (InvalidPassword) and on an endpoint (InvalidSession), and a taken email', async () => {
      const bad = await login(platform, appId, 'local-userpass', {
        username: 'ok-ada@example.com',
        password: 'wrong one',
      });
      expect(bad.status).toBe(401);
      expect(bad.json).toMatchObject({ error: 'invalid username/password', error_code: 'InvalidPassword' });
      const unknown = await login(platform, appId, 'local-userpass', {
        username: 'nobody@example.com',
        password: 'wrong one',
      });
      expect(unknown.json.error_code).toBe('InvalidPassword');
      const endpointBad = await platform.call(appId, '/whoami', {
        headers: { email: 'ok-ada@example.com', password: 'nope!!' },
      });
      expect(endpointBad.status).toBe(401);
      expect(endpointBad.json).toMatchObject({
        error: 'invalid session: error finding user for endpoint',
        error_code: 'InvalidSession',
      });
      const again = await clientApi(platform, 'POST', `app/${appId}/auth/providers/local-userpass/register`, {
        email: 'ok-ada@example.com',
        password: 'another pw',
      });
      expect(again.status).toBe(409);
      expect(again.json.error_code).toBe('AccountNameInUse');
    });

    it('keeps a pending user out until it confirms with the token its function received', async () => {
      await expectOk(
        await clientApi(platform, 'POST', `app/${appId}/auth/providers/local-userpass/register`, {
          email: 'pending@example.com',
          password: 'secret pw',
        }),
        201,
      );
      const early = await login(platform, appId, 'local-userpass', {
        username: 'pending@example.com',
        password: 'secret pw',
      });
      expect(early.status).toBe(401);
      expect(early.json.error).toBe('confirmation required');
      const saved = (await expectOk(await platform.call(appId, '/token?username=pending@example.com'))).json;
      expect(saved).toEqual({
        username: 'pending@example.com',
        token: expect.any(String),
        tokenId: expect.any(String),
      });
      const wrong = await clientApi(platform, 'POST', `app/${appId}/auth/providers/local-userpass/confirm`, {
        token: saved.token,
        tokenId: 'f'.repeat(24),
      });
      expect(wrong.status).toBe(400);
      await expectOk(
        await clientApi(platform, 'POST', `app/${appId}/auth/providers/local-userpass/confirm`, {
          token: saved.token,
          tokenId: saved.tokenId,
        }),
        204,
      );
      await expectOk(
        await login(platform, appId, 'local-userpass', {
          username: 'pending@example.com',
          password: 'secret pw',
        }),
      );
      // A registration the function refuses leaves no user behind.
      const refused = await clientApi(
        platform,
        'POST',
        `app/${appId}/auth/providers/local-userpass/register`,
        {
          email: 'no-way@example.com',
          password: 'secret pw',
        },
      );
      expect(refused.status).toBe(401);
      const users = (await platform.admin('GET', `/apps/${appId}/users`)).json as any[];
      expect(users.map((u) => u.data.email)).not.toContain('no-way@example.com');
    });

    it('resets a password through the reset function', async () => {
      const denied = await clientApi(
        platform,
        'POST',
        `app/${appId}/auth/providers/local-userpass/reset/call`,
        {
          email: 'ok-ada@example.com',
          password: 'new password',
          arguments: ['deny'],
        },
      );
      expect(denied.status).toBe(401);
      await expectOk(
        await clientApi(platform, 'POST', `app/${appId}/auth/providers/local-userpass/reset/call`, {
          email: 'ok-ada@example.com',
          password: 'new password',
          arguments: ['allow'],
        }),
        204,
      );
      await expectOk(
        await login(platform, appId, 'local-userpass', {
          username: 'ok-ada@example.com',
          password: 'new password',
        }),
      );
      expect(
        (
          await login(platform, appId, 'local-userpass', {
            username: 'ok-ada@example.com',
            password: 'correct horse',
          })
        ).status,
      ).toBe(401);
    });
  });

  describe('custom-token', () => {
    it('logs in with an HS256 JWT, copying metadata fields into user.data', async () => {
      const token = await signHs({ email: 'jwt@example.com', profile: { name: 'Jay' } }, 'ext-1');
      const session = (await expectOk(await login(platform, appId, 'custom-token', { token }))).json;
      const res = await expectOk(await platform.call(appId, '/whoami', bearer(session.access_token)));
      expect(res.json.user).toMatchObject({
        id: session.user_id,
        data: { email: 'jwt@example.com', name: 'Jay' },
        identities: [{ id: 'ext-1', provider_type: 'custom-token' }],
      });
      // jwtTokenString on an endpoint: the same user.
      const viaHeader = await expectOk(
        await platform.call(appId, '/whoami', { headers: { jwtTokenString: token } }),
      );
      expect(viaHeader.json.user.id).toBe(session.user_id);
    });

    it('refuses a wrong audience, a wrong key and a missing required field', async () => {
      const wrongAud = await login(platform, appId, 'custom-token', {
        token: await signHs({ email: 'a@b.c' }, 'x', 'other'),
      });
      expect(wrongAud.status).toBe(401);
      expect(wrongAud.json.error_code).toBe('AuthError');
      const forged = await new SignJWT({ email: 'a@b.c' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('x')
        .setAudience('portico-e2e')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode('some-other-key-0123456789abcdefghijklmnop'));
      expect((await login(platform, appId, 'custom-token', { token: forged })).status).toBe(401);
      const missing = await login(platform, appId, 'custom-token', { token: await signHs({}, 'x') });
      expect(missing.status).toBe(401);
      expect(missing.json.error).toContain('email');
    });

    it('creates the user on an endpoint only with create_user_on_auth', async () => {
      const token = await signHs({ email: 'new@example.com' }, 'ext-new');
      const refused = await platform.call(appId, '/whoami', { headers: { jwtTokenString: token } });
      expect(refused.status).toBe(401);
      expect(refused.json.error_code).toBe('InvalidSession');
      const created = await expectOk(
        await platform.call(appId, '/whoami-create', { headers: { jwtTokenString: token } }),
      );
      expect(created.json.user.identities).toEqual([
        { id: 'ext-new', provider_type: 'custom-token', data: { email: 'new@example.com' } },
      ]);
      const now = await expectOk(
        await platform.call(appId, '/whoami', { headers: { jwtTokenString: token } }),
      );
      expect(now.json.user.id).toBe(created.json.user.id);
    });

    it('verifies RS256 tokens with a PEM public key from the secrets', async () => {
      const rsApp = await deployApp(platform, {});
      const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
      await expectOk(
        await platform.admin('PUT', `/apps/${rsApp}/secrets/rsa_pub`, { value: await exportSPKI(publicKey) }),
        201,
      );
      await expectOk(
        await platform.admin('PUT', `/apps/${rsApp}/auth/providers`, {
          'custom-token': provider('custom-token', {
            config: { signingAlgorithm: 'RS256' },
            secret_config: { signingKeys: ['rsa_pub'] },
          }),
        }),
      );
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'RS256' })
        .setSubject('rsa-user')
        .setExpirationTime('5m')
        .sign(privateKey);
      const session = (await expectOk(await login(platform, rsApp, 'custom-token', { token }))).json;
      const res = await expectOk(await platform.call(rsApp, '/whoami', bearer(session.access_token)));
      expect(res.json.user.identities[0]).toMatchObject({ id: 'rsa-user', provider_type: 'custom-token' });
      // An access token of one app is no good at another.
      expect((await platform.call(appId, '/whoami', bearer(session.access_token))).status).toBe(401);
    });
  });

  describe('custom-function and anon-user', () => {
    it('takes the external id from the function (a string or {id}); a throw is a 401', async () => {
      const a = (
        await expectOk(
          await login(platform, appId, 'custom-function', { secret: 'open sesame', who: 'dev-7' }),
        )
      ).json;
      const b = (
        await expectOk(
          await login(platform, appId, 'custom-function', {
            secret: 'open sesame',
            who: 'dev-7',
            as: 'object',
          }),
        )
      ).json;
      expect(b.user_id).toBe(a.user_id);
      const res = await expectOk(await platform.call(appId, '/whoami', bearer(a.access_token)));
      expect(res.json.user.identities).toEqual([{ id: 'dev-7', provider_type: 'custom-function' }]);
      const refused = await login(platform, appId, 'custom-function', { secret: 'wrong', who: 'dev-7' });
      expect(refused.status).toBe(401);
      expect(refused.json.error_code).toBe('AuthError');
    });

    it('gives every anonymous login a new user', async () => {
      const one = (await expectOk(await login(platform, appId, 'anon-user', {}))).json;
      const two = (await expectOk(await login(platform, appId, 'anon-user', undefined))).json;
      expect(one.user_id).not.toBe(two.user_id);
      const res = await expectOk(await platform.call(appId, '/whoami', bearer(two.access_token)));
      expect(res.json.user.identities[0].provider_type).toBe('anon-user');
    });

    it('answers an unknown or disabled provider with 404 AuthProviderNotFound', async () => {
      const res = await login(platform, appId, 'api-key', { key: 'x' });
      expect(res.status).toBe(404);
      expect(res.json.error_code).toBe('AuthProviderNotFound');
    });
  });

  describe('sessions and admin', () => {
    it('refreshes the access token, logs out, and refuses the refresh token after', async () => {
      const session = (await expectOk(await login(platform, appId, 'anon-user', {}))).json;
      const auth = { authorization: `Bearer ${session.refresh_token}` };
      const refreshed = await expectOk(
        await clientApi(platform, 'POST', 'auth/session', undefined, auth),
        201,
      );
      expect(refreshed.json).toEqual({ access_token: expect.any(String) });
      await expectOk(await platform.call(appId, '/whoami', bearer(refreshed.json.access_token)));
      // An access token is not a refresh token, and a refresh token is no access token.
      expect(
        (
          await clientApi(platform, 'POST', 'auth/session', undefined, {
            authorization: `Bearer ${session.access_token}`,
          })
        ).status,
      ).toBe(401);
      expect((await platform.call(appId, '/whoami', bearer(session.refresh_token))).status).toBe(401);
      await expectOk(await clientApi(platform, 'DELETE', 'auth/session', undefined, auth), 204);
      const after = await clientApi(platform, 'POST', 'auth/session', undefined, auth);
      expect(after.status).toBe(401);
      expect(after.json.error_code).toBe('InvalidSession');
    });

    it('revokes sessions, disables and deletes users through the admin API', async () => {
      const created = await expectOk(
        await platform.admin('POST', `/apps/${appId}/users`, {
          email: 'admin-made@example.com',
          password: 'pw123456',
        }),
        201,
      );
      expect(created.json).toMatchObject({
        type: 'normal',
        disabled: false,
        confirmed: true,
        data: { email: 'admin-made@example.com' },
      });
      expect(created.text).not.toContain('scrypt');
      const session = (
        await expectOk(
          await login(platform, appId, 'local-userpass', {
            username: 'admin-made@example.com',
            password: 'pw123456',
          }),
        )
      ).json;
      expect(session.user_id).toBe(created.json.id);
      const refresh = { authorization: `Bearer ${session.refresh_token}` };

      const revoked = await expectOk(
        await platform.admin('DELETE', `/apps/${appId}/users/${session.user_id}/sessions`),
      );
      expect(revoked.json).toEqual({ revoked: 1 });
      expect((await clientApi(platform, 'POST', 'auth/session', undefined, refresh)).status).toBe(401);

      await expectOk(
        await platform.admin('PATCH', `/apps/${appId}/users/${session.user_id}`, { disabled: true }),
      );
      const disabled = await platform.call(appId, '/whoami', bearer(session.access_token));
      expect(disabled.status).toBe(401);
      expect(disabled.json.error_code).toBe('InvalidSession');
      const relogin = await login(platform, appId, 'local-userpass', {
        username: 'admin-made@example.com',
        password: 'pw123456',
      });
      expect(relogin.status).toBe(401);
      expect(relogin.json.error_code).toBe('UserDisabled');
      await expectOk(
        await platform.admin('PATCH', `/apps/${appId}/users/${session.user_id}`, { disabled: false }),
      );
      await expectOk(await platform.call(appId, '/whoami', bearer(session.access_token)));

      const listed = (await expectOk(await platform.admin('GET', `/apps/${appId}/users`))).json as any[];
      expect(listed.map((u) => u.id)).toContain(session.user_id);
      expect(JSON.stringify(listed)).not.toContain('password_hash');
      await expectOk(await platform.admin('DELETE', `/apps/${appId}/users/${session.user_id}`), 204);
      expect((await platform.call(appId, '/whoami', bearer(session.access_token))).status).toBe(401);
      expect((await platform.admin('DELETE', `/apps/${appId}/users/${session.user_id}`)).status).toBe(404);
    });

    it('fills context.user.custom_data from the custom user data collection when the endpoint asks', async () => {
      const session = (await expectOk(await login(platform, appId, 'anon-user', {}))).json;
      await expectOk(
        await platform.call(appId, '/profile', { method: 'POST', ...bearer(session.access_token) }),
      );
      const plain = await expectOk(await platform.call(appId, '/whoami', bearer(session.access_token)));
      expect(plain.json.user.custom_data).toEqual({});
      const res = await expectOk(await platform.call(appId, '/whoami-custom', bearer(session.access_token)));
      expect(res.json.user.custom_data).toEqual({
        _id: expect.any(String),
        owner: session.user_id,
        plan: 'gold',
      });
    });

    it('rejects a malformed or foreign Bearer token without detail, and never shows the signing key', async () => {
      const res = await platform.call(appId, '/whoami', bearer('abc.def.ghi'));
      expect(res.status).toBe(401);
      expect(res.json.error).toBe('invalid session: error finding user for endpoint');
      const app = await platform.admin('GET', `/apps/${appId}`);
      const providers = await platform.admin('GET', `/apps/${appId}/auth/providers`);
      expect(app.text + providers.text).not.toMatch(/signing_key/);
      expect(Object.keys(providers.json).sort()).toEqual([
        'anon-user',
        'custom-function',
        'custom-token',
        'local-userpass',
      ]);
    });

    it('lets a user make API keys that log in and call endpoints as that user; server keys still work', async () => {
      const keysApp = await deployApp(platform, {
        'anon-user': provider('anon-user'),
        'api-key': provider('api-key'),
      });
      const session = (await expectOk(await login(platform, keysApp, 'anon-user', {}))).json;
      const asUser = { authorization: `Bearer ${session.refresh_token}` };
      const created = await expectOk(
        await clientApi(platform, 'POST', 'auth/api_keys', { name: 'laptop' }, asUser),
        201,
      );
      expect(created.json).toEqual({
        _id: expect.stringMatching(/^[0-9a-f]{24}$/),
        key: expect.stringMatching(/^[A-Za-z0-9]{64}$/),
        name: 'laptop',
        disabled: false,
      });
      const { _id: keyId, key } = created.json;
      const listed = await expectOk(
        await clientApi(platform, 'GET', 'auth/api_keys', undefined, {
          authorization: `Bearer ${session.access_token}`,
        }),
      );
      expect(listed.json).toEqual([{ _id: keyId, name: 'laptop', disabled: false }]);

      const viaKey = await expectOk(await platform.call(keysApp, '/whoami', { headers: { apiKey: key } }));
      expect(viaKey.json.user).toMatchObject({ id: session.user_id, type: 'normal' });
      const keyLogin = (await expectOk(await login(platform, keysApp, 'api-key', { key }))).json;
      expect(keyLogin.user_id).toBe(session.user_id);

      await expectOk(
        await clientApi(platform, 'PUT', `auth/api_keys/${keyId}/disable`, undefined, asUser),
        204,
      );
      expect((await platform.call(keysApp, '/whoami', { headers: { apiKey: key } })).status).toBe(401);
      expect((await login(platform, keysApp, 'api-key', { key })).status).toBe(401);
      await expectOk(
        await clientApi(platform, 'PUT', `auth/api_keys/${keyId}/enable`, undefined, asUser),
        204,
      );
      await expectOk(await platform.call(keysApp, '/whoami', { headers: { apiKey: key } }));
      await expectOk(await clientApi(platform, 'DELETE', `auth/api_keys/${keyId}`, undefined, asUser), 204);
      const gone = await platform.call(keysApp, '/whoami', { headers: { apiKey: key } });
      expect(gone.status).toBe(401);
      expect(gone.json.error_code).toBe('InvalidSession');
      expect((await clientApi(platform, 'GET', `auth/api_keys/${keyId}`, undefined, asUser)).status).toBe(
        404,
      );

      const server = await expectOk(
        await platform.admin('POST', `/apps/${keysApp}/api-keys`, { name: 'server' }),
        201,
      );
      const viaServerKey = await expectOk(
        await platform.call(keysApp, '/whoami', { headers: { apiKey: server.json.key } }),
      );
      expect(viaServerKey.json.user).toMatchObject({ id: server.json.id, type: 'server' });
    });

    it('deleting the app deletes its users', async () => {
      const other = await deployApp(platform, { 'anon-user': provider('anon-user') });
      const session = (await expectOk(await login(platform, other, 'anon-user', {}))).json;
      expect(((await platform.admin('GET', `/apps/${other}/users`)).json as any[]).length).toBe(1);
      await expectOk(await platform.admin('DELETE', `/apps/${other}`), 204);
      const gone = await clientApi(platform, 'POST', 'auth/session', undefined, {
        authorization: `Bearer ${session.refresh_token}`,
      });
      expect(gone.status).toBe(401);
    });
  });
});

describe('client auth in cluster mode (gateway, worker, registry over Redis)', () => {
  const platform = new ClusterPlatform({ workers: 1 });

  beforeAll(async () => {
    await platform.start();
  }, 90_000);
  afterAll(async () => {
    await platform.stop();
  }, 60_000);

  it('logs in through the queue and calls an endpoint with the Bearer token', async () => {
    const appId = await deployApp(platform, {
      'local-userpass': provider('local-userpass', { config: { autoConfirm: true } }),
    });
    await expectOk(
      await clientApi(platform, 'POST', `app/${appId}/auth/providers/local-userpass/register`, {
        email: 'cluster@example.com',
        password: 'cluster pw',
      }),
      201,
    );
    const session = (
      await expectOk(
        await login(platform, appId, 'local-userpass', {
          username: 'cluster@example.com',
          password: 'cluster pw',
        }),
      )
    ).json;
    const res = await expectOk(await platform.call(appId, '/whoami', bearer(session.access_token)));
    expect(res.json.user).toMatchObject({ id: session.user_id, data: { email: 'cluster@example.com' } });
    const refreshed = await expectOk(
      await clientApi(platform, 'POST', 'auth/session', undefined, {
        authorization: `Bearer ${session.refresh_token}`,
      }),
      201,
    );
    await expectOk(await platform.call(appId, '/whoami', bearer(refreshed.json.access_token)));
  });
});
