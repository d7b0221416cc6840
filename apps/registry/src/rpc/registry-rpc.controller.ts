import { Controller, UseFilters, UsePipes } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { REGISTRY_RPC_PATTERNS } from '@portico/cluster';
import type { FunctionBundle, RouteSnapshot } from '@portico/contracts';
import { Public } from '../auth/public.decorator';
import { SnapshotService } from '../snapshots/snapshot.service';
import { RegistryRpcExceptionFilter } from './registry-rpc-exception.filter';
import { RegistryRpcValidationPipe } from './registry-rpc-validation.pipe';
import { BundleRequestDto, CurrentSnapshotRequestDto } from './registry-rpc.dto';

/**
 * Registry lookups for gateways and workers in cluster mode (DESIGN (1), (3)). The patterns are
 * prefix-free here; `RegistryRpcServer` answers them under `clusterNames(prefix).registryPatterns`.
 * `@Public()`: the admin bearer guard is for HTTP; Redis access is the trust boundary of the cluster.
 * In standalone mode no microservice is connected and these handlers are simply never called.
 */
@Public()
@Controller()
@UseFilters(RegistryRpcExceptionFilter)
@UsePipes(RegistryRpcValidationPipe)
export class RegistryRpcController {
  constructor(private readonly snapshots: SnapshotService) {}

  @MessagePattern(REGISTRY_RPC_PATTERNS.currentSnapshot)
  currentSnapshot(@Payload() { appId }: CurrentSnapshotRequestDto): Promise<RouteSnapshot | null> {
    return this.snapshots.currentSnapshot(appId);
  }

  @MessagePattern(REGISTRY_RPC_PATTERNS.bundle)
  bundle(@Payload() { appId, version }: BundleRequestDto): Promise<FunctionBundle | null> {
    return this.snapshots.bundle(appId, version);
  }
}
