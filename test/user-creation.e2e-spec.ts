import { endpoint } from './support/endpoints';
import { answer, StandalonePlatform, type HttpAnswer } from './support/standalone';

/**
 * The user creation function over HTTP (reference §1.7 `on_user_creation_function_name`), against a
 * real standalone process: set with `auth/custom_user_data.json` through the admin API, it runs once
 * when a client registers or a login creates a user, its custom data document is in the next call's
 * `context.user.custom_data`, and a throw fails the registration or login with no user left behind.
 */
const ON_USER_CREATION = `exports = async function (user) {
  const identity = user.identities[0];
  if (identity.provider_type === 'anon-user') throw new Error('anonymous users are not welcome');
  if (identity.id.startsWith('refuse')) throw new Error('refused ' + identity.id);
  await context.services.get('mongodb-atlas').db('app').collection('profiles')
    .insertOne({ owner: user.id, plan: 'free', seen: user, system: context.runningAsSystem() });
}`;

async function send(url: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const res = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return answer(res);
}

function expectStatus(res: HttpAnswer, status: number): HttpAnswer {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text}`);
  return res;
}

describe('the user creation function (standalone)', () => {
  const platform = new StandalonePlatform();
  let appId: string;
  const providerUrl = (name: string, action: string) =>
    `${platform.gatewayUrl}/api/client/v2.0/app/${appId}/auth/providers/${name}/${action}`;
  const register = (email: string) =>
    send(providerUrl('local-userpass', 'register'), { email, password: 'correct horse' });
  const login = (email: string) =>
    send(providerUrl('local-userpass', 'login'), { username: email, password: 'correct horse' });
  /** The custom data documents of a user, read as system (the function must have written one, once). */
  const profilesOf = async (owner: string) =>
    expectStatus(await platform.call(appId, `/profiles?owner=${owner}`), 200).json as unknown[];
  const userIds = async () =>
    (expectStatus(await platform.admin('GET', `/apps/${appId}/users`), 200).json as { id: string }[]).map(
      (u) => u.id,
    );

  beforeAll(async () => {
    await platform.start();
    appId = await platform.createApp('signup');
    await platform.putFunction(appId, 'onUserCreation', { private: true, source: ON_USER_CREATION });
    await platform.putFunction(appId, 'whoami', { source: 'exports = () => context.user' });
    await platform.putFunction(appId, 'profiles', {
      run_as_system: true,
      source: `exports = ({ query }) => context.services.get('mongodb-atlas').db('app').collection('profiles')
        .find({ owner: query.owner }, { _id: 0 }).toArray()`,
    });
    await platform.putEndpoints(appId, [
      endpoint('/whoami', 'whoami', { fetch_custom_user_data: true }),
      endpoint('/profiles', 'profiles'),
    ]);
    expectStatus(
      await platform.admin('PUT', `/apps/${appId}/auth/providers`, {
        'local-userpass': { name: 'local-userpass', type: 'local-userpass', config: { autoConfirm: true } },
        'anon-user': { name: 'anon-user', type: 'anon-user' },
      }),
      200,
    );
    expectStatus(
      await platform.admin('PUT', `/apps/${appId}/auth/custom_user_data`, {
        enabled: true,
        mongo_service_name: 'mongodb-atlas',
        database_name: 'app',
        collection_name: 'profiles',
        user_id_field: 'owner',
        on_user_creation_function_name: 'onUserCreation',
      }),
      200,
    );
  }, 60_000);
  afterAll(async () => {
    await platform.stop();
  }, 30_000);

  it('refuses settings that name a missing function, and keeps the named function from being deleted', async () => {
    const missing = expectStatus(
      await platform.admin('PUT', `/apps/${appId}/auth/custom_user_data`, {
        enabled: true,
        database_name: 'app',
        collection_name: 'profiles',
        user_id_field: 'owner',
        on_user_creation_function_name: 'nope',
      }),
      400,
    );
    expect(missing.json).toMatchObject({
      error_code: 'BadRequest',
      details: { on_user_creation_function_name: 'function "nope" does not exist' },
    });
    const deleting = expectStatus(
      await platform.admin('DELETE', `/apps/${appId}/functions/onUserCreation`),
      400,
    );
    expect(deleting.json.details).toEqual({
      'custom_user_data.on_user_creation_function_name': 'function "onUserCreation" does not exist',
    });
    expectStatus(await platform.admin('GET', `/apps/${appId}/functions/onUserCreation`), 200);
  });

  it('runs once when a local-userpass user registers: the next call sees its document as custom_data', async () => {
    expectStatus(await register('ada@example.com'), 201);
    const session = expectStatus(await login('ada@example.com'), 200).json;
    const userId = session.user_id as string;
    const expectedUser = {
      id: userId,
      type: 'normal',
      data: { email: 'ada@example.com' },
      identities: [{ id: 'ada@example.com', provider_type: 'local-userpass' }],
    };
    expect(await profilesOf(userId)).toEqual([
      { owner: userId, plan: 'free', seen: { ...expectedUser, custom_data: {} }, system: true },
    ]);
    const me = expectStatus(
      await platform.call(appId, '/whoami', { headers: { authorization: `Bearer ${session.access_token}` } }),
      200,
    );
    expect(me.json).toEqual({
      ...expectedUser,
      custom_data: expect.objectContaining({ owner: userId, plan: 'free' }),
    });
    // Logging in again creates no user, so the function does not run again.
    expect(expectStatus(await login('ada@example.com'), 200).json.user_id).toBe(userId);
    expect(await profilesOf(userId)).toHaveLength(1);
  });

  it('fails a registration or login cleanly when the function throws, and leaves no user', async () => {
    const before = await userIds();
    const refused = expectStatus(await register('refuse-bob@example.com'), 400);
    expect(refused.json).toMatchObject({
      error_code: 'FunctionExecutionError',
      error: expect.stringMatching(/^user creation function failed: .*refused refuse-bob@example\.com/),
    });
    expect(refused.text).not.toMatch(/\bat \S+:\d+/); // no platform stack trace
    expect(expectStatus(await login('refuse-bob@example.com'), 401).json).toMatchObject({
      error_code: 'InvalidPassword',
    });
    // anon-user makes a new user at every login: the function refuses it, and it is gone again.
    const anon = expectStatus(await send(providerUrl('anon-user', 'login'), {}), 400);
    expect(anon.json).toMatchObject({
      error_code: 'FunctionExecutionError',
      error: expect.stringContaining('anonymous users are not welcome'),
    });
    expect(await userIds()).toEqual(before);
    // The email is free again (not 409 AccountNameInUse): nothing of the refused registration stayed.
    expect(expectStatus(await register('refuse-bob@example.com'), 400).json).toMatchObject({
      error_code: 'FunctionExecutionError',
    });
  });
});
