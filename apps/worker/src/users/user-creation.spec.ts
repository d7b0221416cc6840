import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { generateSigningKey } from '@portico/auth';
import {
  AuthProviderSpecSchema,
  CustomUserDataSpecSchema,
  DEFAULT_LIMITS,
  asAppId,
  type ClientAuthJob,
  type CustomUserDataSpec,
  type DeploymentSpec,
  type FunctionBundle,
  type InvocationJob,
  type UserAuthJob,
} from '@portico/contracts';
import { SandboxPool, type SandboxLogger } from '@portico/sandbox';
import { EmbeddedStore } from '@portico/store';
import { createDataHostCalls } from '../data-host-calls';
import { AuthConfigCache } from './auth-config.cache';
import { AuthFailure } from './auth-errors';
import { ClientAuthService } from './client-auth.service';
import { EndpointUserService } from './endpoint-user.service';
import { functionCaller, withPlatformFunctions } from './platform-function';
import { authJob } from './testing/auth-job';

/**
 * The user creation function (`on_user_creation_function_name`, reference §1.7) run for real: the
 * worker's user services, a real SQLite store and the real sandbox pool (an isolated-vm host
 * process), the function writing the custom user data document through the app's own data.
 */
const JWT_KEY = 'user-creation-jwt-key-0123456789abcdefghijklmnop';

/** Writes the custom user data document; refuses some users so the rollback can be seen. */
const ON_CREATE = `exports = async function (user) {
  const identity = user.identities[0];
  if (identity.provider_type === 'anon-user') throw new Error('no anonymous users here');
  if (identity.id.startsWith('refuse')) throw new Error('refused ' + identity.id);
  await context.services.get('mongodb-atlas').db('app').collection('profiles')
    .insertOne({ owner: user.id, plan: 'free', seen: user, system: context.runningAsSystem() });
}`;
const FUNCTIONS = {
  onCreate: ON_CREATE,
  authFn: 'exports = (payload) => payload.who',
  confirmFn: 'exports = ({ username }) => ({ status: username.startsWith("no") ? "fail" : "pending" })',
};

const silent: SandboxLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const provider = (type: string, config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  AuthProviderSpecSchema.parse({ name: type, type, config, ...extra });
const customUserData = (fields: Record<string, unknown> = {}): CustomUserDataSpec =>
  CustomUserDataSpecSchema.parse({
    enabled: true,
    database_name: 'app',
    collection_name: 'profiles',
    user_id_field: 'owner',
    on_user_creation_function_name: 'onCreate',
    ...fields,
  });

function specOf(custom: CustomUserDataSpec): DeploymentSpec {
  const functions: DeploymentSpec['functions'] = {};
  for (const [name, source] of Object.entries(FUNCTIONS))
    functions[name] = { source, private: true, run_as_system: false };
  return {
    limits: { ...DEFAULT_LIMITS },
    functions,
    endpoints: [],
    values: {},
    secrets: { jwt_key: JWT_KEY },
    api_keys: [],
    environment: { tag: '', values: {} },
    auth_signing_key: generateSigningKey(),
    auth_providers: {
      'local-userpass': provider('local-userpass', {
        runConfirmationFunction: true,
        confirmationFunctionName: 'confirmFn',
      }),
      'anon-user': provider('anon-user'),
      'custom-function': provider('custom-function', { authFunctionName: 'authFn' }),
      'custom-token': provider(
        'custom-token',
        { signingAlgorithm: 'HS256' },
        { secret_config: { signingKeys: ['jwt_key'] } },
      ),
    },
    custom_user_data: custom,
  };
}

const bundleOf = (appId: string): FunctionBundle => {
  const functions: FunctionBundle['functions'] = {};
  for (const [name, source] of Object.entries(FUNCTIONS)) functions[name] = { source, private: true };
  return withPlatformFunctions({
    appId,
    appName: appId,
    version: 1,
    created_at: new Date(0).toISOString(),
    limits: { timeout_ms: 10_000, memory_mb: 64, max_request_bytes: 1024 * 1024 },
    functions,
    values: {},
    environment: { tag: '', values: {} },
    services: ['mongodb-atlas'],
  });
};

const job = (
  appId: string,
  clientAuth: ClientAuthJob | undefined,
  body?: unknown,
  userAuth?: UserAuthJob,
  userOptions?: InvocationJob['userOptions'],
): InvocationJob =>
  authJob({ appId, clientAuth, body, userAuth, userOptions, functionName: clientAuth ? '' : 'whoami' });

const bodyOf = (res: { body: Uint8Array | null }): any =>
  res.body ? JSON.parse(Buffer.from(res.body).toString('utf8')) : undefined;

describe('the user creation function (real SQLite store, real sandbox pool)', () => {
  const pool = new SandboxPool({
    engine: 'isolated-vm',
    maxProcesses: 2,
    maxProcessesPerApp: 1,
    logger: silent,
  });
  let dir: string;
  let store: EmbeddedStore;
  let clientAuth: ClientAuthService;
  let endpointUsers: EndpointUserService;
  /** How often the sandbox ran the platform call (every provider and creation function goes through it). */
  let sandboxCalls = 0;

  /** An app of its own for each case, with the custom user data settings given. */
  let seq = 0;
  async function app(custom: CustomUserDataSpec = customUserData()) {
    const appId = asAppId(`creation${++seq}-abcde`);
    await store.metadata.createApp(
      { id: appId, name: appId, created_at: new Date().toISOString() },
      specOf(custom),
    );
    const bundle = bundleOf(appId);
    const hostCalls = createDataHostCalls(store.data, bundle);
    const run = (call: InvocationJob) => {
      sandboxCalls++;
      return pool.run(bundle, call, hostCalls);
    };
    const login = async (provider: string, body: unknown) => {
      const loginJob = job(appId, { op: 'login', provider }, body);
      return bodyOf(await clientAuth.handle(loginJob, functionCaller(loginJob, run)));
    };
    const register = (email: string) => {
      const registration = job(
        appId,
        { op: 'register', provider: 'local-userpass' },
        { email, password: 'pw123456' },
      );
      return clientAuth.handle(registration, functionCaller(registration, run));
    };
    const resolve = (userAuth: UserAuthJob, createUserOnAuth = false) => {
      const endpointJob = job(appId, undefined, undefined, userAuth, {
        createUserOnAuth,
        fetchCustomUserData: true,
      });
      return endpointUsers.resolve(endpointJob, functionCaller(endpointJob, run));
    };
    const profiles = () =>
      store.data.find(appId, { db: 'app', collection: 'profiles' }, {}, { projection: { _id: 0 } });
    return { appId, login, register, resolve, profiles };
  }

  const failureOf = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected a failure');
      },
      (err: unknown) => err,
    );

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'portico-user-creation-'));
    store = EmbeddedStore.open(dir);
    const configs = new AuthConfigCache(store);
    clientAuth = new ClientAuthService(store, configs);
    endpointUsers = new EndpointUserService(store, configs);
  });
  afterAll(async () => {
    await pool.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs once for a new user, as system, with the context.user object; its document is the custom data', async () => {
    const { login, resolve, profiles } = await app();
    const first = await login('custom-function', { who: 'device-1' });
    expect(await profiles()).toEqual([
      {
        owner: first.user_id,
        plan: 'free',
        seen: {
          id: first.user_id,
          type: 'normal',
          data: {},
          custom_data: {},
          identities: [{ id: 'device-1', provider_type: 'custom-function' }],
        },
        system: true,
      },
    ]);
    const again = await login('custom-function', { who: 'device-1' });
    expect(again.user_id).toBe(first.user_id);
    expect(await profiles()).toHaveLength(1);
    const user = await resolve({ via: 'token', userId: first.user_id });
    expect(user.custom_data).toMatchObject({ owner: first.user_id, plan: 'free' });
  });

  it('fails the login with 400 FunctionExecutionError and the function’s message, and keeps no user', async () => {
    const { appId, login, profiles } = await app();
    const err = await failureOf(login('custom-function', { who: 'refuse-me' }));
    expect(err).toBeInstanceOf(AuthFailure);
    expect(err).toMatchObject({
      code: 'FunctionExecutionError',
      status: 400,
      message: expect.stringMatching(/^user creation function failed: .*refused refuse-me/),
    });
    expect(await store.users.findUserByIdentity(appId, 'custom-function', 'refuse-me')).toBeNull();
    // anon-user makes a new user at every login: each refused one is removed too.
    await expect(failureOf(login('anon-user', {}))).resolves.toMatchObject({
      code: 'FunctionExecutionError',
    });
    expect(await store.users.listUsers(appId)).toEqual([]);
    expect(await profiles()).toEqual([]);
  });

  it('runs at registration, after the confirmation function: a refused registration runs it not at all', async () => {
    const { appId, register, profiles } = await app();
    expect((await register('ada@example.com')).status).toBe(201);
    const ada = await store.users.findUserByIdentity(appId, 'local-userpass', 'ada@example.com');
    expect(ada).toMatchObject({ confirmed: false });
    expect(await profiles()).toEqual([
      expect.objectContaining({
        owner: ada!.id,
        seen: expect.objectContaining({ data: { email: 'ada@example.com' } }),
      }),
    ]);
    await expect(failureOf(register('no@example.com'))).resolves.toMatchObject({ code: 'AuthError' });
    await expect(failureOf(register('refuse@example.com'))).resolves.toMatchObject({
      code: 'FunctionExecutionError',
      status: 400,
    });
    expect((await store.users.listUsers(appId)).map((u) => u.email)).toEqual(['ada@example.com']);
    expect(await profiles()).toHaveLength(1);
  });

  it('runs for the user an endpoint creates with create_user_on_auth, and refuses it the same way', async () => {
    const { appId, resolve, profiles } = await app();
    const token = (sub: string) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(sub)
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(JWT_KEY));
    const user = await resolve({ via: 'custom-token', token: await token('ext-1') }, true);
    expect(user.custom_data).toMatchObject({ owner: user.id, plan: 'free' });
    await resolve({ via: 'custom-token', token: await token('ext-1') }, true);
    expect(await profiles()).toHaveLength(1);
    await expect(
      failureOf(resolve({ via: 'custom-token', token: await token('refuse-ext') }, true)),
    ).resolves.toMatchObject({ code: 'FunctionExecutionError', status: 400 });
    expect(await store.users.findUserByIdentity(appId, 'custom-token', 'refuse-ext')).toBeNull();
  });

  it('runs nothing while custom user data is off or names no function', async () => {
    for (const custom of [
      customUserData({ enabled: false }),
      customUserData({ on_user_creation_function_name: '' }),
    ]) {
      const { login, profiles } = await app(custom);
      const before = sandboxCalls;
      expect((await login('anon-user', {})).user_id).toMatch(/^[0-9a-f]{24}$/);
      expect(sandboxCalls).toBe(before);
      expect(await profiles()).toEqual([]);
    }
  });
});
