import { Injectable } from '@nestjs/common';
import type { EndpointSpec } from '@portico/contracts';
import { assertValid } from '../common/validation.exception';
import { DeploymentService } from '../deployments/deployment.service';
import { endpointIssues } from '../deployments/deployment.validator';

/** An app's endpoint list, replaced as a whole like the Atlas config file it mirrors. */
@Injectable()
export class EndpointsService {
  constructor(private readonly deployments: DeploymentService) {}

  async replace(appId: string, endpoints: EndpointSpec[]): Promise<EndpointSpec[]> {
    const { current } = await this.deployments.change(appId, (spec) => {
      // Checked here too (not only by the deployment-wide check) so details name the path in this body.
      assertValid(endpointIssues(endpoints, spec.functions));
      return { ...spec, endpoints };
    });
    return current.spec.endpoints;
  }

  async list(appId: string): Promise<EndpointSpec[]> {
    return (await this.deployments.current(appId)).deployment.spec.endpoints;
  }
}
