import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_POOL, resolveLimits, type AppRecord, type Deployment } from '@portico/contracts';
import { STORE, type Store } from '@portico/store';
import { DeploymentService } from '../deployments/deployment.service';
import type { AppDetail, AppSummary, AppView, CreateAppDto, UpdateAppDto } from './app.dto';

const summary = (app: AppRecord): AppSummary => ({
  id: app.id,
  name: app.name,
  created_at: app.created_at,
  version: app.version,
});

const view = (app: AppRecord, deployment: Deployment): AppView => ({
  ...summary(app),
  version: deployment.version,
  // Deployments stored before a limit existed get its default here.
  limits: resolveLimits(deployment.spec.limits),
});

const detail = (app: AppRecord, deployment: Deployment): AppDetail => {
  const { spec } = deployment;
  return {
    ...view(app, deployment),
    pool: spec.pool ?? DEFAULT_POOL,
    counts: {
      functions: Object.keys(spec.functions).length,
      endpoints: spec.endpoints.length,
      values: Object.keys(spec.values).length,
      secrets: Object.keys(spec.secrets).length,
      api_keys: spec.api_keys.length,
    },
  };
};

/** Apps as a whole: create, list, read, change limits and pool, delete. */
@Injectable()
export class AppsService {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly deployments: DeploymentService,
  ) {}

  async create(dto: CreateAppDto): Promise<AppView> {
    const { app, deployment } = await this.deployments.createApp(dto.name);
    return view(app, deployment);
  }

  async list(): Promise<AppSummary[]> {
    const apps = await this.store.metadata.listApps();
    return apps
      .map(summary)
      .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  }

  async get(appId: string): Promise<AppDetail> {
    const { app, deployment } = await this.deployments.current(appId);
    return detail(app, deployment);
  }

  async update(appId: string, dto: UpdateAppDto): Promise<AppDetail> {
    const { app, current } = await this.deployments.change(appId, (spec) => ({
      ...spec,
      limits: { ...resolveLimits(spec.limits), ...dto.limits },
      ...(dto.pool === undefined ? {} : { pool: dto.pool }),
    }));
    return detail(app, current);
  }

  delete(appId: string): Promise<void> {
    return this.deployments.deleteApp(appId);
  }
}
