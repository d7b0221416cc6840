export { HealthModule } from './health.module';
export { HealthController } from './health.controller';
export { HEALTHY, type HealthModuleOptions, type ReadinessBody } from './health.constants';
export {
  READINESS_TIMEOUT_MS,
  ReadinessService,
  type ReadinessCheck,
  type ReadinessReport,
} from './readiness.service';
export { startHealthServer, type HealthServer } from './health-server';
