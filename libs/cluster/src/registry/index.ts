export { redisOptionsFromUrl, type RedisConnectionOptions } from './redis-url';
export {
  BundleRequestSchema,
  CurrentSnapshotRequestSchema,
  DEFAULT_REGISTRY_REQUEST_TIMEOUT_MS,
  DeploymentEventWireSchema,
  REGISTRY_RPC_PATTERNS,
  RegistryRpcErrorSchema,
  type BundleRequest,
  type CurrentSnapshotRequest,
  type RegistryRpcError,
  type RegistryRpcPatternKey,
} from './registry-rpc.constants';
export { RegistryRpcServer, type RegistryRpcServerOptions } from './registry-rpc.server';
export {
  RedisDeploymentEventsPublisher,
  type DeploymentEventSource,
  type RedisDeploymentEventsPublisherOptions,
} from './redis-deployment-events.publisher';
export { RedisRegistryClient, type RedisRegistryClientOptions } from './redis-registry.client';
