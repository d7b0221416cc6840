import { Injectable } from '@nestjs/common';
import type { DeploymentChanged, FunctionBundle, RegistryClient, RouteSnapshot } from '@portico/contracts';
import { DeploymentEvents } from '../deployments/deployment-events.service';
import { SnapshotService } from './snapshot.service';

/**
 * `RegistryClient` for standalone mode: direct calls into the registry's services in the same process.
 * Cluster mode swaps in a `@nestjs/microservices` client behind the same `REGISTRY_CLIENT` token.
 */
@Injectable()
export class InProcessRegistryClient implements RegistryClient {
  constructor(
    private readonly snapshots: SnapshotService,
    private readonly events: DeploymentEvents,
  ) {}

  currentSnapshot(appId: string): Promise<RouteSnapshot | null> {
    return this.snapshots.currentSnapshot(appId);
  }

  bundle(appId: string, version: number): Promise<FunctionBundle | null> {
    return this.snapshots.bundle(appId, version);
  }

  onDeploymentChanged(listener: (event: DeploymentChanged) => void): () => void {
    return this.events.subscribe(listener);
  }
}
