import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { PORTICO_CONFIG, type PorticoConfig } from '@portico/config';
import { REGISTRY_CLIENT } from '@portico/contracts';
import { HttpLoggingModule, PORTICO_LOGGER, type Logger } from '@portico/logging';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AppsController } from './apps/apps.controller';
import { AppsService } from './apps/apps.service';
import { AuthProvidersController } from './auth-providers/auth-providers.controller';
import { AuthProvidersService } from './auth-providers/auth-providers.service';
import { AdminAuthGuard } from './auth/admin-auth.guard';
import { DataApiController } from './data-api/data-api.controller';
import { DataApiService } from './data-api/data-api.service';
import { adminUrlAppId } from './common/admin-url-app-id';
import { resolveAdminToken } from './auth/admin-token';
import { PorticoExceptionFilter } from './common/portico-exception.filter';
import { ZodValidationPipe } from './common/zod-validation.pipe';
import { DeploymentEvents } from './deployments/deployment-events.service';
import { DeploymentService } from './deployments/deployment.service';
import { DeploymentsController } from './deployments/deployments.controller';
import { EndpointsController } from './endpoints/endpoints.controller';
import { EndpointsService } from './endpoints/endpoints.service';
import { FunctionsController } from './functions/functions.controller';
import { FunctionsService } from './functions/functions.service';
import { HealthController } from './health/health.controller';
import { ImportController } from './import/import.controller';
import { ImportService } from './import/import.service';
import { LogsController } from './logs/logs.controller';
import { LogsService } from './logs/logs.service';
import { DeploymentMetrics } from './metrics/deployment-metrics.service';
import { RegistryMetricsController } from './metrics/registry-metrics.controller';
import { ADMIN_TOKEN, STRUCTURED_LOGGER } from './registry.constants';
import { RegistryRpcController } from './rpc/registry-rpc.controller';
import { SecretsController } from './secrets/secrets.controller';
import { SecretsService } from './secrets/secrets.service';
import { InProcessRegistryClient } from './snapshots/in-process-registry-client.service';
import { SnapshotService } from './snapshots/snapshot.service';
import { ValuesController } from './values/values.controller';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';
import { ValuesService } from './values/values.service';

export { resolveAdminToken, type ResolvedAdminToken } from './auth/admin-token';
export { createRegistryApp, type RegistryAppOptions } from './registry-app.factory';
export { DeploymentEvents } from './deployments/deployment-events.service';
export { DeploymentService } from './deployments/deployment.service';
export { SnapshotService } from './snapshots/snapshot.service';
export { InProcessRegistryClient } from './snapshots/in-process-registry-client.service';
export { connectRegistryRpc } from './rpc/connect-registry-rpc';

/**
 * The control plane: admin REST API (`/admin/v1`, bearer auth, zod validation, one exception filter),
 * deployments and their change events, snapshots and bundles. Expects `PORTICO_CONFIG` and `STORE`
 * from global modules of the composer. Its pipe, guard and filter are app-wide (`APP_*`), so mount it
 * in its own Nest application (see `createRegistryApp`), not next to the data plane.
 */
@Module({
  // One access line per admin request with requestId and appId, credentials redacted.
  imports: [HttpLoggingModule.forRoot({ appIdOf: adminUrlAppId })],
  controllers: [
    HealthController,
    AppsController,
    FunctionsController,
    EndpointsController,
    ValuesController,
    SecretsController,
    ApiKeysController,
    AuthProvidersController,
    UsersController,
    LogsController,
    DeploymentsController,
    DataApiController,
    ImportController,
    RegistryRpcController,
    RegistryMetricsController,
  ],
  providers: [
    {
      provide: ADMIN_TOKEN,
      inject: [PORTICO_CONFIG],
      useFactory: (config: PorticoConfig) => resolveAdminToken(config).token,
    },
    {
      provide: STRUCTURED_LOGGER,
      inject: [{ token: PORTICO_LOGGER, optional: true }],
      useFactory: (logger?: Logger) => logger ?? null,
    },
    { provide: APP_PIPE, useClass: ZodValidationPipe },
    { provide: APP_GUARD, useClass: AdminAuthGuard },
    { provide: APP_FILTER, useClass: PorticoExceptionFilter },
    DeploymentEvents,
    DeploymentMetrics,
    DeploymentService,
    SnapshotService,
    InProcessRegistryClient,
    { provide: REGISTRY_CLIENT, useExisting: InProcessRegistryClient },
    AppsService,
    FunctionsService,
    EndpointsService,
    ValuesService,
    SecretsService,
    ApiKeysService,
    AuthProvidersService,
    UsersService,
    LogsService,
    DataApiService,
    ImportService,
  ],
  exports: [REGISTRY_CLIENT, DeploymentEvents, DeploymentService, SnapshotService],
})
export class RegistryModule {}
