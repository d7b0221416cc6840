import { Inject, Injectable } from '@nestjs/common';
import { hashApiKey, verifyPassword } from '@portico/auth';
import { asAppId, type GuestUser, type InvocationJob, type UserRecord } from '@portico/contracts';
import { STORE, type Store } from '@portico/store';
import { AuthConfigCache, type AuthConfig } from './auth-config.cache';
import { AuthFailures } from './auth-errors';
import type { CallFunction } from './platform-function';
import { verifyCustomToken } from './providers/custom-token.provider';
import { userCreationFunction } from './user-creation';
import { UserDirectory, normalizeEmail, toGuestUser } from './user-directory';

/**
 * Completes application authentication for an endpoint call (reference §3.2): the gateway verified a
 * Bearer token or passed `email`+`password` / `jwtTokenString` on; here the user is loaded (it must
 * exist and be enabled), credentials are checked against the app's enabled providers,
 * `create_user_on_auth` creates the custom-JWT user (running the app's user creation function
 * through `call`), and `fetch_custom_user_data` fills `custom_data`. Every refusal is the one §3.4
 * 401; a user creation function that throws is its own 400 (`AuthFailures.userCreationFailed`).
 */
@Injectable()
export class EndpointUserService {
  private readonly users: UserDirectory;

  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly configs: AuthConfigCache,
  ) {
    this.users = new UserDirectory(store);
  }

  /** `context.user` for the job; throws `AuthFailure` (401 InvalidSession; 400 from a user creation function). */
  async resolve(job: InvocationJob, call: CallFunction): Promise<GuestUser> {
    const auth = job.userAuth;
    if (!auth) return job.user;
    const config = await this.configs.get(job.appId, job.version);
    if (!config) throw AuthFailures.invalidSession();
    if (auth.via === 'run-as') {
      const stored = await this.users.byId(config.appId, auth.userId);
      if (!stored) return job.user;
      if (stored.disabled) throw AuthFailures.invalidSession();
      const customData = job.userOptions?.fetchCustomUserData
        ? await this.users.customData(config, stored.id)
        : {};
      return toGuestUser(stored, customData);
    }
    const user = await this.authenticate(job, config, call);
    if (!user || user.disabled) throw AuthFailures.invalidSession();
    const customData = job.userOptions?.fetchCustomUserData
      ? await this.users.customData(config, user.id)
      : {};
    return toGuestUser(user, customData);
  }

  private async authenticate(
    job: InvocationJob,
    config: AuthConfig,
    call: CallFunction,
  ): Promise<UserRecord | null> {
    const auth = job.userAuth;
    const enabled = (type: string) => {
      const provider = Object.hasOwn(config.providers, type) ? config.providers[type] : undefined;
      return provider && !provider.disabled && provider.type === type ? provider : undefined;
    };
    switch (auth?.via) {
      case undefined:
      case 'run-as':
        return null;
      case 'token':
        return this.users.byId(config.appId, auth.userId);
      case 'local-userpass': {
        if (!enabled('local-userpass')) return null;
        const user = await this.users.find(config.appId, {
          provider_type: 'local-userpass',
          id: normalizeEmail(auth.email),
        });
        if (!user?.password_hash || user.confirmed === false) return null;
        return (await verifyPassword(auth.password, user.password_hash)) ? user : null;
      }
      case 'api-key': {
        if (!enabled('api-key')) return null;
        const key = await this.store.users.findApiKeyByHash(asAppId(config.appId), hashApiKey(auth.key));
        return key && !key.disabled ? this.users.byId(config.appId, key.userId) : null;
      }
      case 'custom-token': {
        const provider = enabled('custom-token');
        if (!provider) return null;
        const verified = await verifyCustomToken(provider, config.secrets, auth.token).catch(() => undefined);
        if (!verified) return null;
        return this.users.findOrCreate(
          config.appId,
          { id: verified.externalId, provider_type: 'custom-token', data: verified.data },
          { data: verified.data },
          job.userOptions?.createUserOnAuth === true,
          userCreationFunction(config, call),
        );
      }
    }
  }
}
