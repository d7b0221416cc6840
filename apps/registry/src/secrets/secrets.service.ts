import { Injectable } from '@nestjs/common';
import { notFound } from '@portico/contracts';
import { DeploymentService } from '../deployments/deployment.service';
import type { PutSecretDto, SecretView } from './secret.dto';

/** An app's secrets: write-only through the admin API, read only by the platform (snapshots, bundles). */
@Injectable()
export class SecretsService {
  constructor(private readonly deployments: DeploymentService) {}

  async put(
    appId: string,
    name: string,
    dto: PutSecretDto,
  ): Promise<{ created: boolean; secret: SecretView }> {
    const { previous } = await this.deployments.change(appId, (spec) => ({
      ...spec,
      secrets: { ...spec.secrets, [name]: dto.value },
    }));
    return { created: !Object.hasOwn(previous.spec.secrets, name), secret: { name } };
  }

  async list(appId: string): Promise<SecretView[]> {
    const { deployment } = await this.deployments.current(appId);
    return Object.keys(deployment.spec.secrets)
      .sort((a, b) => a.localeCompare(b))
      .map((name) => ({ name }));
  }

  async delete(appId: string, name: string): Promise<void> {
    await this.deployments.change(appId, (spec) => {
      if (!Object.hasOwn(spec.secrets, name)) throw notFound(`secret "${name}"`);
      const { [name]: _removed, ...secrets } = spec.secrets;
      return { ...spec, secrets };
    });
  }
}
