import { Injectable } from '@nestjs/common';
import { notFound, type ValueSpec } from '@portico/contracts';
import { DeploymentService } from '../deployments/deployment.service';
import type { PutValueDto, ValueView } from './value.dto';

const toView = (name: string, value: ValueSpec): ValueView => ({
  name,
  value: value.value,
  from_secret: value.from_secret,
});

/** An app's values (`context.values.get`). */
@Injectable()
export class ValuesService {
  constructor(private readonly deployments: DeploymentService) {}

  async put(appId: string, name: string, dto: PutValueDto): Promise<ValueView> {
    const value: ValueSpec = { value: dto.value, from_secret: dto.from_secret };
    await this.deployments.change(appId, (spec) => ({ ...spec, values: { ...spec.values, [name]: value } }));
    return toView(name, value);
  }

  async list(appId: string): Promise<ValueView[]> {
    const { deployment } = await this.deployments.current(appId);
    return Object.entries(deployment.spec.values)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => toView(name, value));
  }

  async delete(appId: string, name: string): Promise<void> {
    await this.deployments.change(appId, (spec) => {
      if (!Object.hasOwn(spec.values, name)) throw notFound(`value "${name}"`);
      const { [name]: _removed, ...values } = spec.values;
      return { ...spec, values };
    });
  }
}
