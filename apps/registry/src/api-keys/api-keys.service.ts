import { Injectable } from '@nestjs/common';
import { generateApiKey, hashApiKey } from '@portico/auth';
import { notFound, type ApiKeyRecord } from '@portico/contracts';
import { ObjectId } from 'bson';
import { DeploymentService } from '../deployments/deployment.service';
import type { ApiKeyView, CreateApiKeyDto, CreatedApiKey } from './api-key.dto';

const toView = ({ id, name, disabled, created_at }: ApiKeyRecord): ApiKeyView => ({
  id,
  name,
  disabled,
  created_at,
});

/** Server API keys for application authentication (reference §3.2). Only hashes are stored. */
@Injectable()
export class ApiKeysService {
  constructor(private readonly deployments: DeploymentService) {}

  async create(appId: string, dto: CreateApiKeyDto): Promise<CreatedApiKey> {
    const key = generateApiKey();
    // Ids look like App Services' (ObjectId hex), so exported configs and clients see a familiar shape.
    const record: ApiKeyRecord = {
      id: new ObjectId().toHexString(),
      name: dto.name,
      hash: hashApiKey(key),
      disabled: false,
      created_at: new Date().toISOString(),
    };
    await this.deployments.change(appId, (spec) => ({ ...spec, api_keys: [...spec.api_keys, record] }));
    return { id: record.id, name: record.name, key };
  }

  async list(appId: string): Promise<ApiKeyView[]> {
    const { deployment } = await this.deployments.current(appId);
    return deployment.spec.api_keys.map(toView);
  }

  async delete(appId: string, id: string): Promise<void> {
    await this.deployments.change(appId, (spec) => {
      if (!spec.api_keys.some((k) => k.id === id)) throw notFound(`api key "${id}"`);
      return { ...spec, api_keys: spec.api_keys.filter((k) => k.id !== id) };
    });
  }
}
