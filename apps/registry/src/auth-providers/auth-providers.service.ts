import { Injectable } from '@nestjs/common';
import type { AuthProviderSpec, CustomUserDataSpec } from '@portico/contracts';
import { assertValid } from '../common/validation.exception';
import { DeploymentService } from '../deployments/deployment.service';
import { customUserDataIssues } from '../deployments/deployment.validator';

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
    await this.deployments.change(appId, (spec) => {
      // Checked here too (not only deployment-wide) so the details name the field of this body.
      assertValid(customUserDataIssues(customUserData, spec.functions, ''));
      return { ...spec, custom_user_data: customUserData };
    });
    return customUserData;
  }
}
