import { Inject, Injectable } from '@nestjs/common';
import { ObjectId } from 'bson';
import { z } from 'zod';
import {
  REFRESH_TOKEN_TTL_SECONDS,
  digestsEqual,
  generateApiKey,
  hashApiKey,
  hashPassword,
  hashRefreshToken,
  issueAccessToken,
  issueActionToken,
  issueRefreshToken,
  verifyActionToken,
  verifyPassword,
} from '@portico/auth';
import {
  asAppId,
  type AuthProviderSpec,
  type ClientAuthJob,
  type InvocationJob,
  type InvocationResponse,
  type UserApiKeyRecord,
  type UserRecord,
} from '@portico/contracts';
import { STORE, type Store } from '@portico/store';
import { AuthConfigCache, type AuthConfig } from './auth-config.cache';
import { AuthFailure, AuthFailures } from './auth-errors';
import type { CallFunction } from './platform-function';
import { CustomTokenRejected, verifyCustomToken } from './providers/custom-token.provider';
import { userCreationFunction } from './user-creation';
import { UserDirectory, normalizeEmail } from './user-directory';

const Credentials = z.object({
  username: z.string().optional(),
  email: z.string().optional(),
  password: z.string(),
});
const Registration = z.object({
  email: z.string().trim().min(3).max(256).includes('@'),
  password: z.string().min(6).max(128),
});
const ActionToken = z.object({ token: z.string().min(1), tokenId: z.string().min(1) });
const PasswordReset = ActionToken.extend({ password: z.string().min(6).max(128) });
const ResetCall = z.object({
  email: z.string().min(1),
  password: z.string().min(6).max(128),
  arguments: z.array(z.unknown()).default([]),
});
const EmailOnly = z.object({ email: z.string().min(1) });
const KeyLogin = z.object({ key: z.string().min(1) });
const NewApiKey = z.object({ name: z.string().trim().min(1).max(128) });
const TokenLogin = z.object({ token: z.string().min(1).optional(), key: z.string().min(1).optional() });
const LoginOptions = z
  .object({
    options: z.object({ device: z.object({ deviceId: z.string().optional() }).optional() }).optional(),
  })
  .passthrough();
/** What a confirmation or reset function returns (reference §1.7). */
const FunctionStatus = z.object({ status: z.enum(['success', 'pending', 'fail']) }).passthrough();

/** Compares against this when the user does not exist, so both cases take one scrypt's time. */
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

const json = (status: number, body: unknown): InvocationResponse => ({
  status,
  headers: { 'Content-Type': ['application/json'] },
  body: Buffer.from(JSON.stringify(body), 'utf8'),
});
const empty = (status: number): InvocationResponse => ({ status, headers: {}, body: null });

function parseBody<T extends z.ZodType>(job: InvocationJob, schema: T): z.output<T> {
  const bytes = job.request.body;
  let value: unknown = {};
  if (bytes && bytes.byteLength > 0) {
    try {
      value = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch {
      throw AuthFailures.badRequest('request body is not valid JSON');
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw AuthFailures.badRequest(
      `invalid request body: ${issue.path.join('.') || 'body'}: ${issue.message}`,
    );
  }
  return parsed.data;
}

/**
 * The client login and session API as a worker runs it (reference §3.2, §1.7): provider logins,
 * local-userpass registration / confirmation / reset, refresh, logout, profile. Answers with the
 * App Services shapes; throws `AuthFailure`s for the Atlas error bodies.
 */
@Injectable()
export class ClientAuthService {
  private readonly users: UserDirectory;

  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly configs: AuthConfigCache,
  ) {
    this.users = new UserDirectory(store);
  }

  async handle(job: InvocationJob, call: CallFunction): Promise<InvocationResponse> {
    const op = job.clientAuth;
    if (!op) throw AuthFailures.badRequest('missing client auth operation');
    const config = await this.configs.get(job.appId, job.version);
    if (!config) throw AuthFailures.badRequest(`app '${job.appId}' has no version ${job.version}`);
    if (!config.signingKey) throw AuthFailures.noSigningKey();
    switch (op.op) {
      case 'login':
        return this.login(job, op, config, config.signingKey, call);
      case 'register':
        return this.register(job, config, config.signingKey, call);
      case 'confirm':
        return this.confirm(job, config, config.signingKey);
      case 'confirm-call':
        return this.confirmCall(job, config, config.signingKey, call);
      case 'reset':
        return this.reset(job, config, config.signingKey);
      case 'reset-call':
        return this.resetCall(job, config, config.signingKey, call);
      case 'reset-send':
        throw AuthFailures.badRequest(
          'Portico sends no email: configure a reset function (runResetFunction)',
        );
      case 'refresh':
        return this.refresh(op, config, config.signingKey);
      case 'logout':
        return this.logout(op, config);
      case 'profile':
        return this.profile(op, config);
      case 'api-key-create':
      case 'api-key-list':
      case 'api-key-get':
      case 'api-key-delete':
      case 'api-key-enable':
      case 'api-key-disable':
        return this.userApiKeys(job, op, config);
    }
  }

  private provider(config: AuthConfig, name: string | undefined): AuthProviderSpec {
    const provider = name === undefined ? undefined : config.providers[name];
    if (!provider || provider.disabled || !Object.hasOwn(config.providers, name as string))
      throw AuthFailures.providerNotFound(name ?? '');
    return provider;
  }

  private async login(
    job: InvocationJob,
    op: ClientAuthJob,
    config: AuthConfig,
    key: string,
    call: CallFunction,
  ): Promise<InvocationResponse> {
    const provider = this.provider(config, op.provider);
    const appId = config.appId;
    // Every user a login creates runs the app's user creation function first (reference §1.7).
    const onCreated = userCreationFunction(config, call);
    let user: UserRecord | null;
    switch (provider.type) {
      case 'local-userpass': {
        const body = parseBody(job, Credentials);
        user = await this.checkPassword(appId, body.username ?? body.email ?? '', body.password);
        break;
      }
      case 'anon-user':
        user = await this.users.create(
          appId,
          { id: new ObjectId().toHexString(), provider_type: 'anon-user' },
          {},
          onCreated,
        );
        break;
      case 'api-key': {
        const { key: apiKey } = parseBody(job, KeyLogin);
        const hash = hashApiKey(apiKey);
        const match = config.apiKeys.find((k) => !k.disabled && digestsEqual(k.hash, hash));
        if (match) {
          user = await this.users.findOrCreate(
            appId,
            { id: match.id, provider_type: 'api-key' },
            { type: 'server', data: { name: match.name } },
            true,
            onCreated,
          );
          break;
        }
        // A user's own key logs in as that user.
        const userKey = await this.store.users.findApiKeyByHash(asAppId(appId), hash);
        if (!userKey || userKey.disabled) throw AuthFailures.authFailed('invalid API key');
        user = await this.users.byId(appId, userKey.userId);
        break;
      }
      case 'custom-token': {
        const body = parseBody(job, TokenLogin);
        const token = body.token ?? body.key;
        if (token === undefined) throw AuthFailures.badRequest('invalid request body: token: required');
        let verified;
        try {
          verified = await verifyCustomToken(provider, config.secrets, token);
        } catch (err) {
          if (err instanceof CustomTokenRejected)
            throw AuthFailures.authFailed(`invalid custom auth token: ${err.message}`);
          throw err;
        }
        user = await this.users.findOrCreate(
          appId,
          { id: verified.externalId, provider_type: 'custom-token', data: verified.data },
          { data: verified.data },
          true,
          onCreated,
        );
        break;
      }
      case 'custom-function': {
        const externalId = await this.runAuthFunction(provider, parseBody(job, z.unknown()), call);
        user = await this.users.findOrCreate(
          appId,
          { id: externalId, provider_type: 'custom-function' },
          {},
          true,
          onCreated,
        );
        break;
      }
      case 'oauth2-google':
      case 'oauth2-facebook':
      case 'oauth2-apple':
        // OAuth needs redirects through the identity provider's site: not offered (yet).
        throw AuthFailures.providerNotFound(provider.name);
    }
    if (!user) throw AuthFailures.invalidPassword();
    if (user.disabled) throw AuthFailures.userDisabled();
    return json(200, await this.openSession(job, config, key, user));
  }

  /** local-userpass: the user with this email and password, confirmed; one scrypt either way. */
  private async checkPassword(appId: string, username: string, password: string): Promise<UserRecord> {
    const user = await this.users.find(appId, {
      provider_type: 'local-userpass',
      id: normalizeEmail(username),
    });
    const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
    if (!user || !ok) throw AuthFailures.invalidPassword();
    if (user.confirmed === false) throw AuthFailures.confirmationRequired();
    return user;
  }

  /** custom-function: the function's answer is the external id (a string or `{id}`); a throw refuses. */
  private async runAuthFunction(
    provider: AuthProviderSpec,
    payload: unknown,
    call: CallFunction,
  ): Promise<string> {
    const name = provider.config.authFunctionName;
    if (typeof name !== 'string' || name === '')
      throw AuthFailures.authFailed('custom function provider has no authFunctionName');
    let result: unknown;
    try {
      result = await call(name, [payload]);
    } catch (err) {
      throw AuthFailures.authFailed(`authentication function failed: ${(err as Error).message}`);
    }
    const id =
      typeof result === 'string'
        ? result
        : result !== null && typeof result === 'object' && 'id' in result
          ? String(result.id)
          : undefined;
    if (!id) throw AuthFailures.authFailed('authentication function returned no user id');
    return id;
  }

  private async openSession(job: InvocationJob, config: AuthConfig, key: string, user: UserRecord) {
    const options = parseBody(job, LoginOptions.catch({}));
    const requested = options.options?.device?.deviceId;
    const deviceId = requested && ObjectId.isValid(requested) ? requested : new ObjectId().toHexString();
    const sessionId = new ObjectId().toHexString();
    const [accessToken, refreshToken] = await Promise.all([
      issueAccessToken(key, config.appId, user.id),
      issueRefreshToken(key, config.appId, user.id, sessionId),
    ]);
    const now = Date.now();
    await this.store.users.createSession(asAppId(config.appId), {
      id: sessionId,
      appId: config.appId,
      userId: user.id,
      refresh_token_hash: hashRefreshToken(refreshToken),
      device_id: deviceId,
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + REFRESH_TOKEN_TTL_SECONDS * 1000).toISOString(),
    });
    return { access_token: accessToken, refresh_token: refreshToken, user_id: user.id, device_id: deviceId };
  }

  private async register(
    job: InvocationJob,
    config: AuthConfig,
    key: string,
    call: CallFunction,
  ): Promise<InvocationResponse> {
    const provider = this.provider(config, 'local-userpass');
    const body = parseBody(job, Registration);
    const email = normalizeEmail(body.email);
    if (await this.users.find(config.appId, { provider_type: 'local-userpass', id: email }))
      throw AuthFailures.nameInUse();
    const autoConfirm = provider.config.autoConfirm === true;
    let user: UserRecord;
    try {
      user = await this.users.create(
        config.appId,
        { id: email, provider_type: 'local-userpass' },
        { data: { email }, email, password_hash: await hashPassword(body.password), confirmed: autoConfirm },
      );
    } catch (err) {
      if (err instanceof Error && 'code' in err && err.code === 'Conflict') throw AuthFailures.nameInUse();
      throw err;
    }
    if (!autoConfirm && provider.config.runConfirmationFunction === true) {
      const status = await this.runConfirmation(provider, config, key, user, call);
      if (status === 'fail') {
        await this.store.users.deleteUser(asAppId(config.appId), user.id);
        throw AuthFailures.authFailed('confirmation function refused the registration');
      }
    }
    // After the confirmation function, so that a registration it refuses leaves no custom user data
    // behind. Portico makes the user at registration (App Services only at the first login after
    // confirming), so a pending user has run it too (docs/users.md).
    const onCreated = userCreationFunction(config, call);
    if (onCreated) await this.users.completeCreation(config.appId, user, onCreated);
    return empty(201);
  }

  /** Runs `confirmationFunctionName({token, tokenId, username})`; `success` confirms the user. */
  private async runConfirmation(
    provider: AuthProviderSpec,
    config: AuthConfig,
    key: string,
    user: UserRecord,
    call: CallFunction,
  ): Promise<'success' | 'pending' | 'fail'> {
    const name = provider.config.confirmationFunctionName;
    if (typeof name !== 'string' || name === '')
      throw AuthFailures.badRequest('local-userpass has no confirmationFunctionName');
    const { token, tokenId } = await issueActionToken(key, config.appId, user.id, 'confirm');
    const status = await this.statusOf(call(name, [{ token, tokenId, username: user.email }]));
    if (status === 'success')
      await this.store.users.updateUser(asAppId(config.appId), user.id, { confirmed: true });
    return status;
  }

  private async statusOf(result: Promise<unknown>): Promise<'success' | 'pending' | 'fail'> {
    try {
      const parsed = FunctionStatus.safeParse(await result);
      return parsed.success ? parsed.data.status : 'fail';
    } catch {
      return 'fail';
    }
  }

  private async confirm(job: InvocationJob, config: AuthConfig, key: string): Promise<InvocationResponse> {
    this.provider(config, 'local-userpass');
    const { token, tokenId } = parseBody(job, ActionToken);
    const userId = await verifyActionToken(key, config.appId, 'confirm', token, tokenId);
    const user = userId === undefined ? null : await this.users.byId(config.appId, userId);
    if (!user) throw AuthFailures.invalidToken();
    if (user.confirmed !== false) throw AuthFailures.alreadyConfirmed();
    await this.store.users.updateUser(asAppId(config.appId), user.id, { confirmed: true });
    return empty(204);
  }

  private async confirmCall(
    job: InvocationJob,
    config: AuthConfig,
    key: string,
    call: CallFunction,
  ): Promise<InvocationResponse> {
    const provider = this.provider(config, 'local-userpass');
    const { email } = parseBody(job, EmailOnly);
    const user = await this.users.find(config.appId, {
      provider_type: 'local-userpass',
      id: normalizeEmail(email),
    });
    if (!user) throw AuthFailures.userNotFound();
    if (user.confirmed !== false) throw AuthFailures.alreadyConfirmed();
    const status = await this.runConfirmation(provider, config, key, user, call);
    if (status === 'fail') throw AuthFailures.authFailed('confirmation function refused the user');
    return empty(204);
  }

  private async reset(job: InvocationJob, config: AuthConfig, key: string): Promise<InvocationResponse> {
    this.provider(config, 'local-userpass');
    const { token, tokenId, password } = parseBody(job, PasswordReset);
    const userId = await verifyActionToken(key, config.appId, 'reset', token, tokenId);
    const user = userId === undefined ? null : await this.users.byId(config.appId, userId);
    if (!user) throw AuthFailures.invalidToken();
    await this.store.users.updateUser(asAppId(config.appId), user.id, {
      password_hash: await hashPassword(password),
    });
    return empty(204);
  }

  /**
   * `reset/call`: runs `resetFunctionName({token, tokenId, username, password}, ...arguments)`;
   * `success` sets the password at once, `pending` leaves it to a later `reset` with the token.
   */
  private async resetCall(
    job: InvocationJob,
    config: AuthConfig,
    key: string,
    call: CallFunction,
  ): Promise<InvocationResponse> {
    const provider = this.provider(config, 'local-userpass');
    const name = provider.config.resetFunctionName;
    if (provider.config.runResetFunction !== true || typeof name !== 'string' || name === '')
      throw AuthFailures.badRequest(
        'local-userpass has no reset function (runResetFunction, resetFunctionName)',
      );
    const body = parseBody(job, ResetCall);
    const user = await this.users.find(config.appId, {
      provider_type: 'local-userpass',
      id: normalizeEmail(body.email),
    });
    if (!user) throw AuthFailures.userNotFound();
    const { token, tokenId } = await issueActionToken(key, config.appId, user.id, 'reset');
    const status = await this.statusOf(
      call(name, [{ token, tokenId, username: user.email, password: body.password }, ...body.arguments]),
    );
    if (status === 'fail') throw AuthFailures.authFailed('password reset function refused the reset');
    if (status === 'success')
      await this.store.users.updateUser(asAppId(config.appId), user.id, {
        password_hash: await hashPassword(body.password),
      });
    return empty(204);
  }

  /** A live session whose refresh token matches; its user must still exist and be enabled. */
  private async liveSession(op: ClientAuthJob, config: AuthConfig) {
    const session =
      op.sessionId === undefined
        ? null
        : await this.store.users.getSession(asAppId(config.appId), op.sessionId);
    if (
      !session ||
      session.userId !== op.userId ||
      op.refreshToken === undefined ||
      !digestsEqual(session.refresh_token_hash, hashRefreshToken(op.refreshToken)) ||
      Date.parse(session.expires_at) <= Date.now()
    )
      throw AuthFailures.sessionNotFound();
    return session;
  }

  private async refresh(op: ClientAuthJob, config: AuthConfig, key: string): Promise<InvocationResponse> {
    const session = await this.liveSession(op, config);
    const user = await this.users.byId(config.appId, session.userId);
    if (!user) throw AuthFailures.sessionNotFound();
    if (user.disabled) throw AuthFailures.userDisabled();
    return json(201, { access_token: await issueAccessToken(key, config.appId, user.id) });
  }

  private async logout(op: ClientAuthJob, config: AuthConfig): Promise<InvocationResponse> {
    const session = await this.liveSession(op, config);
    await this.store.users.deleteSession(asAppId(config.appId), session.id);
    return empty(204);
  }

  /**
   * A logged-in user's own API keys (the `api-key` provider must be enabled). The key is shown once,
   * at creation; only its hash is stored.
   */
  private async userApiKeys(
    job: InvocationJob,
    op: ClientAuthJob,
    config: AuthConfig,
  ): Promise<InvocationResponse> {
    this.provider(config, 'api-key');
    if (op.sessionId !== undefined) await this.liveSession(op, config);
    const user = op.userId === undefined ? null : await this.users.byId(config.appId, op.userId);
    if (!user || user.disabled) throw AuthFailures.invalidSession();
    const appId = asAppId(config.appId);
    const view = (k: UserApiKeyRecord) => ({ _id: k.id, name: k.name, disabled: k.disabled });
    const keyId = op.apiKeyId ?? '';
    if (op.op === 'api-key-create') {
      const { name } = parseBody(job, NewApiKey);
      const key = generateApiKey();
      const record: UserApiKeyRecord = {
        id: new ObjectId().toHexString(),
        appId: config.appId,
        userId: user.id,
        name,
        hash: hashApiKey(key),
        disabled: false,
        created_at: new Date().toISOString(),
      };
      await this.store.users.createApiKey(appId, record);
      return json(201, { ...view(record), key });
    }
    if (op.op === 'api-key-list')
      return json(200, (await this.store.users.listApiKeys(appId, user.id)).map(view));
    if (op.op === 'api-key-get') {
      const found = (await this.store.users.listApiKeys(appId, user.id)).find((k) => k.id === keyId);
      if (!found) throw AuthFailures.apiKeyNotFound();
      return json(200, view(found));
    }
    const done =
      op.op === 'api-key-delete'
        ? await this.store.users.deleteApiKey(appId, user.id, keyId)
        : await this.store.users.setApiKeyDisabled(appId, user.id, keyId, op.op === 'api-key-disable');
    if (!done) throw AuthFailures.apiKeyNotFound();
    return empty(204);
  }

  private async profile(op: ClientAuthJob, config: AuthConfig): Promise<InvocationResponse> {
    const user = op.userId === undefined ? null : await this.users.byId(config.appId, op.userId);
    if (!user || user.disabled) throw AuthFailures.invalidSession();
    return json(200, {
      user_id: user.id,
      domain_id: config.appId,
      type: user.type,
      identities: user.identities.map(({ id, provider_type }) => ({ id, provider_type })),
      data: user.data,
    });
  }
}

export { AuthFailure };
