import type { InvocationJob, InvocationResult } from './invocation';
import type { FunctionBundle, RouteSnapshot } from './snapshot';

/**
 * Gateway → worker (DESIGN (2), (4)). Standalone fills it with a direct in-process call; cluster mode
 * with a BullMQ queue and a per-gateway reply channel. Resolves with the result, or with an
 * `InternalServerError` / `ExecutionTimeLimitExceeded` failure: it never rejects for a tenant error.
 */
export interface InvocationTransport {
  invoke(job: InvocationJob): Promise<InvocationResult>;
}
export const INVOCATION_TRANSPORT = Symbol('InvocationTransport');

/** A deployment change: the app now serves `version` (or was deleted when `version` is null). */
export interface DeploymentChanged {
  appId: string;
  version: number | null;
}

/**
 * Gateway/worker → registry lookups (DESIGN (1), (3)). Standalone: direct calls into the registry's
 * services; cluster: `@nestjs/microservices` over Redis. Callers cache by `(appId, version)`.
 */
export interface RegistryClient {
  /** The snapshot of the app's current version, or null when the app does not exist. */
  currentSnapshot(appId: string): Promise<RouteSnapshot | null>;
  /** The bundle of one exact version, or null when that app/version does not exist. */
  bundle(appId: string, version: number): Promise<FunctionBundle | null>;
  /** Subscribe to deployment changes; returns an unsubscribe function. */
  onDeploymentChanged(listener: (event: DeploymentChanged) => void): () => void;
}
export const REGISTRY_CLIENT = Symbol('RegistryClient');
