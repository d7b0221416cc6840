import { Injectable } from '@nestjs/common';
import { notFound, type DataApiSpec } from '@portico/contracts';
import { assertValid } from '../common/validation.exception';
import { dataApiIssues } from '../deployments/can-evaluate.validator';
import { DeploymentService } from '../deployments/deployment.service';

/** An app's Data API settings (`data_api_config.json`, reference §1.3), replaced as a whole. */
@Injectable()
export class DataApiService {
  constructor(private readonly deployments: DeploymentService) {}

  async put(appId: string, config: DataApiSpec): Promise<DataApiSpec> {
    // Checked here too (not only deployment-wide) so the details name fields of this body.
    assertValid(dataApiIssues(config, ''));
    const { current } = await this.deployments.change(appId, (spec) => ({ ...spec, data_api: config }));
    return current.spec.data_api as DataApiSpec;
  }

  async get(appId: string): Promise<DataApiSpec> {
    const config = (await this.deployments.current(appId)).deployment.spec.data_api;
    if (config === undefined) throw notFound(`Data API settings of app "${appId}"`);
    return config;
  }

  /** Removes the settings: the Data API is off again. */
  async delete(appId: string): Promise<void> {
    const { deployment } = await this.deployments.current(appId);
    if (deployment.spec.data_api === undefined) throw notFound(`Data API settings of app "${appId}"`);
    await this.deployments.change(appId, ({ data_api: _removed, ...spec }) => spec);
  }
}
