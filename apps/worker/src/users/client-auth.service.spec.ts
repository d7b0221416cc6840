import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKey, issueAccessToken, verifyAppToken } from '@portico/auth';
import {
  AuthProviderSpecSchema,
  DEFAULT_LIMITS,
  asAppId,
  type ClientAuthJob,
  type InvocationJob,
  type UserAuthJob,
} from '@portico/contracts';
import { EmbeddedStore } from '@portico/store';
import { AuthConfigCache } from './auth-config.cache';
import { AuthFailure } from './auth-errors';
import { ClientAuthService } from './client-auth.service';
import { EndpointUserService } from './endpoint-user.service';
import type { CallFunction } from './platform-function';
import { authJob } from './testing/auth-job';

const APP = asAppId('users-abcde');
const KEY = generateSigningKey();
const provider = (type: string, config: Record<string, unknown> = {}) =>
  AuthProviderSpecSchema.parse({ name: type, type, config });

const job = (clientAuth: ClientAuthJob | undefined, body?: unknown, userAuth?: UserAuthJob): InvocationJob =>
  authJob({ appId: APP, clientAuth, body, userAuth });

const bodyOf = (res: { body: Uint8Array | null }): any =>
  res.body ? JSON.parse(Buffer.from(res.body).toString('utf8')) : undefined;

/** Stands in for the sandbox: the provider functions these specs configure. */
const calls: { name: string; args: unknown[] }[] = [];
const callFunction: CallFunction = (name, args) => {
  calls.push({ name, args });
  const [payload] = args as [Record<string, unknown>];
  if (name === 'authFn') {
    if (payload.pin !== '1234') return Promise.reject(new Error('wrong pin'));
    return Promise.resolve({ id: payload.device });
  }
  if (name === 'confirmFn') return Promise.resolve({ status: 'pending' });
  return Promise.reject(new Error(`unexpected function ${name}`));
};

describe('ClientAuthService and EndpointUserService (real SQLite store)', () => {
  let dir: string;
  let store: EmbeddedStore;
  let service: ClientAuthService;
  let endpointUsers: EndpointUserService;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portico-users-'));
    store = EmbeddedStore.open(dir);
    await store.metadata.createApp(
      { id: APP, name: 'users', created_at: new Date().toISOString() },
      {
        limits: { ...DEFAULT_LIMITS },
        functions: {},
        endpoints: [],
        values: {},
        secrets: {},
        api_keys: [],
        environment: { tag: '', values: {} },
        auth_signing_key: KEY,
        auth_providers: {
          'local-userpass': provider('local-userpass', {
            runConfirmationFunction: true,
            confirmationFunctionName: 'confirmFn',
          }),
          'anon-user': { ...provider('anon-user'), disabled: true },
          'custom-function': provider('custom-function', { authFunctionName: 'authFn' }),
        },
      },
    );
    const configs = new AuthConfigCache(store);
    service = new ClientAuthService(store, configs);
    endpointUsers = new EndpointUserService(store, configs);
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const expectFailure = async (promise: Promise<unknown>, code: string, status: number) => {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AuthFailure);
    expect(err).toMatchObject({ code, status });
  };

  it('custom-function: the function gets the login body; its id is the identity; a throw is 401', async () => {
    const res = await service.handle(
      job({ op: 'login', provider: 'custom-function' }, { device: 'd-1', pin: '1234' }),
      callFunction,
    );
    expect(res.status).toBe(200);
    const session = bodyOf(res);
    expect(calls.at(-1)).toEqual({ name: 'authFn', args: [{ device: 'd-1', pin: '1234' }] });
    expect(await verifyAppToken(KEY, APP, session.access_token, 'access')).toMatchObject({
      sub: session.user_id,
    });
    const user = await store.users.findUserById(APP, session.user_id);
    expect(user?.identities).toEqual([{ id: 'd-1', provider_type: 'custom-function' }]);
    expect(
      await store.users.getSession(
        APP,
        (await verifyAppToken(KEY, APP, session.refresh_token, 'refresh'))!.sid,
      ),
    ).toMatchObject({
      userId: session.user_id,
      device_id: session.device_id,
    });
    await expectFailure(
      service.handle(
        job({ op: 'login', provider: 'custom-function' }, { device: 'd-1', pin: '0000' }),
        callFunction,
      ),
      'AuthError',
      401,
    );
  });

  it('refuses disabled and unknown providers with 404, and bad bodies with 400', async () => {
    await expectFailure(
      service.handle(job({ op: 'login', provider: 'anon-user' }, {}), callFunction),
      'AuthProviderNotFound',
      404,
    );
    await expectFailure(
      service.handle(job({ op: 'login', provider: 'nope' }, {}), callFunction),
      'AuthProviderNotFound',
      404,
    );
    await expectFailure(
      service.handle(
        job({ op: 'register', provider: 'local-userpass' }, { email: 'x@y.z', password: '123' }),
        callFunction,
      ),
      'InvalidParameter',
      400,
    );
  });

  it('local-userpass: a pending registration cannot log in; hashes are never plain', async () => {
    const reg = await service.handle(
      job(
        { op: 'register', provider: 'local-userpass' },
        { email: ' Pending@Example.com ', password: 'pw123456' },
      ),
      callFunction,
    );
    expect(reg.status).toBe(201);
    expect(calls.at(-1)).toMatchObject({
      name: 'confirmFn',
      args: [{ username: 'pending@example.com', token: expect.any(String), tokenId: expect.any(String) }],
    });
    const user = await store.users.findUserByIdentity(APP, 'local-userpass', 'pending@example.com');
    expect(user).toMatchObject({ confirmed: false, password_hash: expect.stringMatching(/^scrypt\$/) });
    await expectFailure(
      service.handle(
        job(
          { op: 'login', provider: 'local-userpass' },
          { username: 'pending@example.com', password: 'pw123456' },
        ),
        callFunction,
      ),
      'AuthError',
      401,
    );
    await expectFailure(
      endpointUsers.resolve(
        job(undefined, undefined, {
          via: 'local-userpass',
          email: 'pending@example.com',
          password: 'pw123456',
        }),
        callFunction,
      ),
      'InvalidSession',
      401,
    );
  });

  it('endpoint users: a token user must exist and be enabled; custom data stays empty unless asked', async () => {
    const login = bodyOf(
      await service.handle(
        job({ op: 'login', provider: 'custom-function' }, { device: 'd-2', pin: '1234' }),
        callFunction,
      ),
    );
    const resolved = await endpointUsers.resolve(
      job(undefined, undefined, { via: 'token', userId: login.user_id }),
      callFunction,
    );
    expect(resolved).toEqual({
      id: login.user_id,
      type: 'normal',
      data: {},
      custom_data: {},
      identities: [{ id: 'd-2', provider_type: 'custom-function' }],
    });
    await store.users.updateUser(APP, login.user_id, { disabled: true });
    await expectFailure(
      endpointUsers.resolve(job(undefined, undefined, { via: 'token', userId: login.user_id }), callFunction),
      'InvalidSession',
      401,
    );
    await expectFailure(
      endpointUsers.resolve(
        job(undefined, undefined, { via: 'token', userId: 'f'.repeat(24) }),
        callFunction,
      ),
      'InvalidSession',
      401,
    );
  });

  it('run_as_user_id: the stored user when there is one, the bare id when not, refused when disabled', async () => {
    const login = bodyOf(
      await service.handle(
        job({ op: 'login', provider: 'custom-function' }, { device: 'd-run', pin: '1234' }),
        callFunction,
      ),
    );
    const runAs = (userId: string) => {
      const j = job(undefined, undefined, { via: 'run-as', userId });
      return { ...j, user: { ...j.user, id: userId } };
    };
    await expect(endpointUsers.resolve(runAs(login.user_id), callFunction)).resolves.toMatchObject({
      id: login.user_id,
      identities: [{ id: 'd-run', provider_type: 'custom-function' }],
    });
    const atlasId = '64ec0282b7f5b14275ccd462';
    await expect(endpointUsers.resolve(runAs(atlasId), callFunction)).resolves.toEqual({
      id: atlasId,
      type: 'normal',
      data: {},
      custom_data: {},
      identities: [],
    });
    await store.users.updateUser(APP, login.user_id, { disabled: true });
    await expectFailure(endpointUsers.resolve(runAs(login.user_id), callFunction), 'InvalidSession', 401);
  });

  it('refresh and profile: a live session gives a new access token; a wrong refresh token does not', async () => {
    const login = bodyOf(
      await service.handle(
        job({ op: 'login', provider: 'custom-function' }, { device: 'd-3', pin: '1234' }),
        callFunction,
      ),
    );
    const claims = (await verifyAppToken(KEY, APP, login.refresh_token, 'refresh'))!;
    const op = {
      op: 'refresh' as const,
      userId: claims.sub,
      sessionId: claims.sid,
      refreshToken: login.refresh_token,
    };
    const refreshed = await service.handle(job(op), callFunction);
    expect(refreshed.status).toBe(201);
    expect(await verifyAppToken(KEY, APP, bodyOf(refreshed).access_token, 'access')).toMatchObject({
      sub: login.user_id,
    });
    await expectFailure(
      service.handle(
        job({ ...op, refreshToken: await issueAccessToken(KEY, APP, claims.sub) }),
        callFunction,
      ),
      'InvalidSession',
      401,
    );
    const profile = await service.handle(job({ op: 'profile', userId: login.user_id }), callFunction);
    expect(bodyOf(profile)).toMatchObject({ user_id: login.user_id, domain_id: APP, type: 'normal' });
    expect((await service.handle(job({ ...op, op: 'logout' }), callFunction)).status).toBe(204);
    await expectFailure(service.handle(job(op), callFunction), 'InvalidSession', 401);
  });
});
