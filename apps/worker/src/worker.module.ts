import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { WorkerMetrics } from '@portico/metrics';
import { BundleCache } from './bundle-cache.service';
import { InvocationLogWriter } from './invocation-log-writer.service';
import { InvocationService } from './invocation.service';
import { SandboxLifecycle } from './sandbox-lifecycle.service';
import { sandboxProvider } from './sandbox.provider';
import { AuthConfigCache } from './users/auth-config.cache';
import { ClientAuthService } from './users/client-auth.service';
import { EndpointUserService } from './users/endpoint-user.service';
import { UserInvocations } from './users/user-invocations.service';

export interface WorkerModuleOptions {
  /** Provides `REGISTRY_CLIENT` (in-process in standalone mode, Redis RPC in cluster mode). */
  registryClient: Provider;
}

/**
 * The worker: runs invocation jobs in the sandbox. Expects `PORTICO_CONFIG`, `PORTICO_LOGGER` and
 * `STORE` from global modules; the transport that feeds it jobs is wired by the composer.
 */
@Module({})
export class WorkerModule {
  static forRoot(options: WorkerModuleOptions): DynamicModule {
    return {
      module: WorkerModule,
      providers: [
        options.registryClient,
        { provide: WorkerMetrics, useFactory: () => WorkerMetrics.on() },
        sandboxProvider,
        SandboxLifecycle,
        BundleCache,
        InvocationLogWriter,
        InvocationService,
        AuthConfigCache,
        ClientAuthService,
        EndpointUserService,
        UserInvocations,
      ],
      exports: [InvocationService, InvocationLogWriter, WorkerMetrics],
    };
  }
}
