import { Injectable } from '@nestjs/common';
import type { AuthProviderSpec, CustomUserDataSpec } from '@portico/contracts';
import { DeploymentService } from '../deployments/deployment.service';

/** An app's auth providers and custom user data settings: part of its deployment, so versioned. */
@Injectable()
export class AuthProvidersService {
  constructor(private readonly deployments: DeploymentService) {}

  async get(appId: string): Promise<Record<string, AuthProviderSpec>> {
    const { deployment } = await this.deployments.current(appId);
    return deployment.spec.auth_providers ?? {};
  }

  async put(
    appId: string,
    providers: Record<string, AuthProviderSpec>,
  ): Promise<Record<string, AuthProviderSpec>> {
    await this.deployments.change(appId, (spec) => ({ ...spec, auth_providers: providers }));
    return providers;
  }

  async putCustomUserData(appId: string, customUserData: CustomUserDataSpec): Promise<CustomUserDataSpec> {
    await this.deployments.change(appId, (spec) => ({ ...spec, custom_user_data: customUserData }));
    return customUserData;
  }
}
