import { join } from 'node:path';
import { SignJWT } from 'jose';
import { EXPORTS, cliEnv, runCli } from './support/import';
import { answer, StandalonePlatform, type HttpAnswer } from './support/standalone';

/**
 * Issue #5 "done when", end to end over real processes: the App Services export
 * `appservices-20230101` is deployed unchanged with the `portico` CLI, its secrets are set with
 * `portico secrets set`, and every way its endpoints are meant to be called is exercised over HTTP:
 * app API key, email/password headers, Bearer after login, refresh, custom JWT, custom function,
 * `require` of its own node_modules, values and environment, the Data API feeding
 * `context.services.get('Cluster0')`. Then the legacy webhooks of `realm-20210101` with body
 * credentials of a registered user.
 */
// Every CLI step spawns a process (about a second each on a busy 2-core machine).
jest.setTimeout(60_000);

const JWT_KEY = 'shop-jwt-signing-key-0123456789abcdefghijklmnop';

async function send(url: string, init: RequestInit = {}): Promise<HttpAnswer> {
  const res = await fetch(url, init);
  return answer(res);
}

const postJson = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});

function expectStatus(res: HttpAnswer, status: number): HttpAnswer {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text}`);
  return res;
}

describe('an App Services export deployed unchanged answers as App Services did (standalone)', () => {
  const platform = new StandalonePlatform();
  let env: Record<string, string>;
  let appId: string;
  const client = (path: string) => `${platform.gatewayUrl}/api/client/v2.0/${path}`;
  const provider = (name: string, action: string) => client(`app/${appId}/auth/providers/${name}/${action}`);

  beforeAll(async () => {
    await platform.start();
    env = cliEnv(platform);
    const created = await runCli(['apps', 'create', 'shop'], env);
    expect(created.code).toBe(0);
    appId = JSON.parse(created.stdout).id as string;
    const deploy = await runCli(['deploy', join(EXPORTS, 'appservices-20230101'), '--app', appId], env);
    if (deploy.code !== 0) throw new Error(`deploy failed: ${deploy.stdout}${deploy.stderr}`);
    expect(deploy.stdout).toContain(`Imported into ${appId}`);
    expect(deploy.stdout).toContain('Secrets to set');
  }, 60_000);
  afterAll(async () => {
    await platform.stop();
  });

  it('sets the secrets the report lists with `portico secrets set` (stdin): values and query secret follow', async () => {
    const before = await platform.call(appId, '/hello?name=ada');
    expect(before.json).toMatchObject({ paymentKeySet: false });
    for (const [name, value] of [
      ['payment_api_key', 'pk_live_1'],
      ['endpointSecret', 'open-sesame'],
      ['jwt_signing_key', JWT_KEY],
    ]) {
      const run = await runCli(['secrets', 'set', appId, name], env, `${value}\n`);
      expect(run).toMatchObject({ code: 0, stdout: `secret ${name} set\n` });
    }
    const hello = await platform.call(appId, '/hello?name=ada');
    expect(hello.status).toBe(200);
    expect(hello.json).toEqual({
      greeting: 'Hello from production',
      environment: 'production',
      currency: 'EUR',
      paymentKeySet: true,
      name: 'ada',
    });
    expect((await platform.call(appId, '/secure?secret=wrong')).status).toBe(401);
    const secure = await platform.call(appId, '/secure?secret=open-sesame&page=2');
    expect(secure.status).toBe(200);
    expect(secure.json).toEqual({ ok: 1, raw: 'page=2' });
  });

  it('serves the greet endpoint from the export’s own functions/node_modules (tiny-greeter)', async () => {
    const res = await platform.call(appId, '/greet?name=Ada');
    expect(res.status).toBe(200);
    expect(res.json).toBe('Hello, Ada!');
  });

  it('enforces the root config’s allowed_request_origins for browser requests (reference §3.3)', async () => {
    const listed = await platform.call(appId, '/greet?name=Ada', {
      headers: { Origin: 'https://shop.example.com' },
    });
    expect(listed.status).toBe(200);
    const other = await platform.call(appId, '/greet?name=Ada', {
      headers: { Origin: 'https://evil.example' },
    });
    expect(other.status).toBe(403);
    expect(other.json).toMatchObject({ error_code: 'OriginNotAllowed' });
  });

  it('answers an application-auth endpoint with an app API key (apiKey header) as a server user', async () => {
    const key = expectStatus(await platform.admin('POST', `/apps/${appId}/api-keys`, { name: 'ci' }), 201);
    expect((await platform.call(appId, '/whoami')).status).toBe(400);
    const me = await platform.call(appId, '/whoami', { headers: { apiKey: key.json.key } });
    expect(me.status).toBe(200);
    expect(me.json).toEqual({ id: key.json.id, type: 'server' });
    const wrong = await platform.call(appId, '/whoami', { headers: { apiKey: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({ error_code: 'InvalidSession' });
  });

  describe('a local-userpass user (autoConfirm in the export)', () => {
    const email = 'ada@shop.example.com';
    const password = 'correct horse';
    let userId: string;
    let refreshToken: string;

    beforeAll(async () => {
      expectStatus(await send(provider('local-userpass', 'register'), postJson({ email, password })), 201);
      const login = expectStatus(
        await send(provider('local-userpass', 'login'), postJson({ username: email, password })),
        200,
      );
      userId = login.json.user_id as string;
      refreshToken = login.json.refresh_token as string;
      expect(userId).toMatch(/^[0-9a-f]{24}$/);
    });

    it('calls the endpoint with email + password headers: context.user is that user', async () => {
      const me = await platform.call(appId, '/whoami', { headers: { email, password } });
      expect(me.status).toBe(200);
      expect(me.json).toEqual({ id: userId, type: 'normal' });
      const wrong = await platform.call(appId, '/whoami', { headers: { email, password: 'nope-nope' } });
      expect(wrong.status).toBe(401);
    });

    it('calls it with Authorization: Bearer after login, and after a refresh through /auth/session', async () => {
      const login = expectStatus(
        await send(provider('local-userpass', 'login'), postJson({ username: email, password })),
        200,
      );
      const me = await platform.call(appId, '/whoami', {
        headers: { authorization: `Bearer ${login.json.access_token}` },
      });
      expect(me.status).toBe(200);
      expect(me.json).toEqual({ id: userId, type: 'normal' });

      const session = expectStatus(
        await send(client('auth/session'), {
          method: 'POST',
          headers: { authorization: `Bearer ${refreshToken}` },
        }),
        201,
      );
      const again = await platform.call(appId, '/whoami', {
        headers: { authorization: `Bearer ${session.json.access_token}` },
      });
      expect(again.json).toEqual({ id: userId, type: 'normal' });
      // A refresh token is not an access token.
      const refused = await platform.call(appId, '/whoami', {
        headers: { authorization: `Bearer ${refreshToken}` },
      });
      expect(refused.status).toBe(401);
    });

    it('gives the function the full context.user (reference §2.6) for a Bearer caller', async () => {
      // One more endpoint next to the export's, to see the whole object the function gets.
      await platform.putFunction(appId, 'fullUser', {
        source: 'exports = () => ({ user: context.user, system: context.runningAsSystem() })',
      });
      const endpoints = (await platform.admin('GET', `/apps/${appId}/endpoints`)).json as Record<
        string,
        unknown
      >[];
      await platform.putEndpoints(appId, [
        ...endpoints,
        { ...endpoints[2], route: '/fullUser', function_name: 'fullUser', fetch_custom_user_data: true },
      ]);
      // The export's custom_user_data.json: Cluster0 / shop.users keyed by user_id, written here
      // through the app's own Data API.
      const written = await platform.call(
        appId,
        '/data/v1/action/insertOne',
        postJson({
          dataSource: 'Cluster0',
          database: 'shop',
          collection: 'users',
          document: { user_id: userId, tier: 'gold' },
        }),
      );
      expect(written.status).toBe(201);
      const login = await send(provider('local-userpass', 'login'), postJson({ username: email, password }));
      const me = await platform.call(appId, '/fullUser', {
        headers: { authorization: `Bearer ${login.json.access_token}` },
      });
      expect(me.status).toBe(200);
      expect(me.json).toEqual({
        user: {
          id: userId,
          type: 'normal',
          data: { email },
          custom_data: expect.objectContaining({ user_id: userId, tier: 'gold' }),
          identities: [expect.objectContaining({ provider_type: 'local-userpass' })],
        },
        system: false,
      });
    });

    it('shows the user’s identity in the profile as App Services did', async () => {
      const login = await send(provider('local-userpass', 'login'), postJson({ username: email, password }));
      const profile = expectStatus(
        await send(client('auth/profile'), {
          headers: { authorization: `Bearer ${login.json.access_token}` },
        }),
        200,
      );
      expect(profile.json).toMatchObject({
        user_id: userId,
        type: 'normal',
        identities: [expect.objectContaining({ provider_type: 'local-userpass' })],
      });
    });
  });

  it('logs in with a custom JWT signed with the secret the export names (jwt_signing_key), and takes it in jwtTokenString', async () => {
    const sign = (claims: Record<string, unknown>, key = JWT_KEY) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('ext-42')
        .setAudience('shop')
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(key));
    const token = await sign({ email: 'jwt@shop.example.com' });
    const login = expectStatus(await send(provider('custom-token', 'login'), postJson({ token })), 200);
    const me = await platform.call(appId, '/whoami', {
      headers: { authorization: `Bearer ${login.json.access_token}` },
    });
    expect(me.json).toEqual({ id: login.json.user_id, type: 'normal' });
    const profile = await send(client('auth/profile'), {
      headers: { authorization: `Bearer ${login.json.access_token}` },
    });
    expect(profile.json.data).toMatchObject({ email: 'jwt@shop.example.com' });
    // The same JWT in the credential header is the same user.
    const header = await platform.call(appId, '/whoami', { headers: { jwtTokenString: token } });
    expect(header.json).toEqual({ id: login.json.user_id, type: 'normal' });
    // create_user_on_auth on /whoami: a valid JWT of an unknown subject makes its user on first call.
    const fresh = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('ext-new')
      .setAudience('shop')
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(JWT_KEY));
    const created = await platform.call(appId, '/whoami', { headers: { jwtTokenString: fresh } });
    expect(created.status).toBe(200);
    expect(created.json).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), type: 'normal' });
    expect(created.json.id).not.toBe(login.json.user_id);
    const users = await platform.admin('GET', `/apps/${appId}/users`);
    expect(JSON.stringify(users.json)).toContain(created.json.id);
    const forged = await sign({}, 'another-key-0123456789abcdefghijklmnopqrstuv');
    expect((await send(provider('custom-token', 'login'), postJson({ token: forged }))).status).toBe(401);
  });

  it('logs in through the custom-function provider (the export’s auth/login function)', async () => {
    const login = expectStatus(
      await send(provider('custom-function', 'login'), postJson({ username: 'device-7' })),
      200,
    );
    const profile = await send(client('auth/profile'), {
      headers: { authorization: `Bearer ${login.json.access_token}` },
    });
    expect(profile.json.identities).toEqual([
      expect.objectContaining({ id: 'device-7', provider_type: 'custom-function' }),
    ]);
    const me = await platform.call(appId, '/whoami', {
      headers: { authorization: `Bearer ${login.json.access_token}` },
    });
    expect(me.json).toEqual({ id: login.json.user_id, type: 'normal' });
    // The same external id is the same user at the next login.
    const again = await send(provider('custom-function', 'login'), postJson({ username: 'device-7' }));
    expect(again.json.user_id).toBe(login.json.user_id);
  });

  it('reads through context.services.get("Cluster0") what the app’s Data API wrote', async () => {
    const action = (name: string, body: unknown) =>
      platform.call(appId, `/data/v1/action/${name}`, postJson(body));
    const target = { dataSource: 'Cluster0', database: 'shop', collection: 'orders' };
    const inserted = await action('insertOne', { ...target, document: { item: 'apple', qty: 3 } });
    expect(inserted.status).toBe(201);
    // The export's data_api_config.json asks for EJSON answers.
    expect(inserted.json.insertedId).toHaveProperty('$oid');
    const orders = await platform.call(appId, '/orders');
    expect(orders.status).toBe(200);
    expect(orders.json).toEqual({ count: 1, items: ['3 x apple'] });
    const placed = await platform.call(appId, '/orders', postJson({ item: 'pear', qty: 1 }));
    expect(placed.json).toEqual({ count: 2, items: ['3 x apple', '1 x pear'] });
    const found = await action('find', { ...target, filter: { item: 'pear' } });
    expect(found.status).toBe(200);
    expect(found.json.documents).toEqual([
      expect.objectContaining({ item: 'pear', qty: expect.objectContaining({}) }),
    ]);
  });

  describe('the legacy webhooks of a Realm export, with body credentials of a registered user', () => {
    let realmId: string;
    const email = 'hook@pushpull.example.com';
    const password = 'hook-password';

    beforeAll(async () => {
      const created = await runCli(['apps', 'create', 'pushpull'], env);
      realmId = JSON.parse(created.stdout).id as string;
      const deploy = await runCli(['deploy', join(EXPORTS, 'realm-20210101'), '--app', realmId], env);
      if (deploy.code !== 0) throw new Error(`deploy failed: ${deploy.stdout}${deploy.stderr}`);
      expectStatus(
        await send(
          client(`app/${realmId}/auth/providers/local-userpass/register`),
          postJson({ email, password }),
        ),
        201,
      );
    }, 60_000);

    it('runs the run_as_authed_user webhook as the user the body names', async () => {
      const login = expectStatus(
        await send(
          client(`app/${realmId}/auth/providers/local-userpass/login`),
          postJson({ username: email, password }),
        ),
        200,
      );
      const hook = client(`app/${realmId}/service/http/incoming_webhook/whoami`);
      const me = await send(hook, { method: 'POST', body: JSON.stringify({ email, password }) });
      expect(me.status).toBe(200);
      expect(me.json).toEqual({ id: login.json.user_id, type: 'normal' });
      const wrong = await send(hook, {
        method: 'POST',
        body: JSON.stringify({ email, password: 'nope-nope' }),
      });
      expect(wrong.status).toBe(401);
      const bearer = await send(hook, {
        method: 'POST',
        headers: { authorization: `Bearer ${login.json.access_token}` },
      });
      expect(bearer.json).toEqual({ id: login.json.user_id, type: 'normal' });
    });
  });
});
