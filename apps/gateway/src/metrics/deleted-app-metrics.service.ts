import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { REGISTRY_CLIENT, type RegistryClient } from '@portico/contracts';
import { GatewayMetrics } from '@portico/metrics';

/**
 * Drops a deleted app's request series from the gateway's metrics, so the series stay bounded by the
 * apps that exist rather than by every app this process ever served.
 */
@Injectable()
export class DeletedAppMetrics implements OnModuleInit, OnModuleDestroy {
  private unsubscribe: (() => void) | undefined;

  constructor(
    @Inject(REGISTRY_CLIENT) private readonly registry: RegistryClient,
    private readonly metrics: GatewayMetrics,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.registry.onDeploymentChanged((event) => {
      if (event.version === null) this.metrics.forgetApp(event.appId);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }
}
