import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { RegistryMetrics } from '@portico/metrics';
import { DeploymentEvents } from '../deployments/deployment-events.service';

/** Counts committed deployment versions from the change events (a deletion, `version: null`, is none). */
@Injectable()
export class DeploymentMetrics implements OnModuleInit, OnModuleDestroy {
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly events: DeploymentEvents) {}

  onModuleInit(): void {
    const metrics = RegistryMetrics.on();
    this.unsubscribe = this.events.subscribe((event) => {
      if (event.version !== null) metrics.deploymentCommitted();
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }
}
