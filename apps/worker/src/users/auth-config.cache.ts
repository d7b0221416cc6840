import { Inject, Injectable } from '@nestjs/common';
import {
  asAppId,
  type AuthProviderSpec,
  type CustomUserDataSpec,
  type DeploymentSpec,
} from '@portico/contracts';
import { STORE, type Store } from '@portico/store';
import { LRUCache } from 'lru-cache';

/** What the users module needs of one app version. */
export interface AuthConfig {
  appId: string;
  version: number;
  signingKey: string | undefined;
  providers: Record<string, AuthProviderSpec>;
  customUserData: CustomUserDataSpec | undefined;
  /** The app's secrets: custom-token signing keys are resolved from them by name. */
  secrets: Record<string, string>;
  /** The app's server API key hashes (the `api-key` provider's login). */
  apiKeys: DeploymentSpec['api_keys'];
}

const MAX_CONFIGS = 512;

/**
 * The auth part of a deployment, read by the worker from the store and cached by `(appId, version)`
 * (a version never changes). Deliberately NOT in the `FunctionBundle`: the bundle is loaded whole
 * into the app's sandbox host process, and the token signing key and the JWT signing secrets must
 * never be within reach of tenant code.
 */
@Injectable()
export class AuthConfigCache {
  private readonly configs = new LRUCache<string, Promise<AuthConfig | null>>({ max: MAX_CONFIGS });

  constructor(@Inject(STORE) private readonly store: Store) {}

  get(appId: string, version: number): Promise<AuthConfig | null> {
    const key = `${appId}@${version}`;
    let found = this.configs.get(key);
    if (!found) {
      found = this.load(appId, version);
      this.configs.set(key, found);
      // A failed read (store down) is not remembered.
      found.catch(() => this.configs.delete(key));
    }
    return found;
  }

  private async load(appId: string, version: number): Promise<AuthConfig | null> {
    const deployment = await this.store.metadata.getDeployment(asAppId(appId), version);
    if (!deployment) return null;
    const { spec } = deployment;
    return {
      appId,
      version,
      signingKey: spec.auth_signing_key,
      providers: spec.auth_providers ?? {},
      customUserData: spec.custom_user_data,
      secrets: spec.secrets,
      apiKeys: spec.api_keys,
    };
  }
}
