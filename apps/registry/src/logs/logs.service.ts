import { Inject, Injectable } from '@nestjs/common';
import { PORTICO_CONFIG, type PorticoConfig } from '@portico/config';
import { asAppId, type InvocationLogEntry } from '@portico/contracts';
import { STORE, type Store } from '@portico/store';
import { DeploymentService } from '../deployments/deployment.service';
import type { LogsQueryDto } from './log.dto';

/** An app's invocation log, newest first. */
@Injectable()
export class LogsService {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(PORTICO_CONFIG) private readonly config: PorticoConfig,
    private readonly deployments: DeploymentService,
  ) {}

  async list(appId: string, query: LogsQueryDto): Promise<{ logs: InvocationLogEntry[] }> {
    const app = await this.deployments.app(appId);
    if (!query.request_id) return { logs: await this.store.metadata.listLogs(asAppId(app.id), query.limit) };
    // The store keeps at most `retentionPerApp` entries per app, so reading them all bounds the search.
    const all = await this.store.metadata.listLogs(asAppId(app.id), this.config.logs.retentionPerApp);
    return { logs: all.filter((entry) => entry.requestId === query.request_id).slice(0, query.limit) };
  }
}
