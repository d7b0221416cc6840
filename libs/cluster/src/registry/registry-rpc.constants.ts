import { z } from 'zod';

/**
 * The registry's message patterns as its controller names them, without the installation prefix.
 * `RegistryRpcServer` maps each to its wire name in `clusterNames(prefix).registryPatterns`, so one
 * controller class serves any prefix (decorator arguments are fixed when the class is defined).
 */
export const REGISTRY_RPC_PATTERNS = {
  currentSnapshot: 'registry.snapshot.current',
  bundle: 'registry.bundle',
} as const;
export type RegistryRpcPatternKey = keyof typeof REGISTRY_RPC_PATTERNS;

/** Payload of `currentSnapshot`. */
export const CurrentSnapshotRequestSchema = z.object({ appId: z.string().min(1).max(200) });
export type CurrentSnapshotRequest = z.infer<typeof CurrentSnapshotRequestSchema>;

/** Payload of `bundle`. */
export const BundleRequestSchema = z.object({
  appId: z.string().min(1).max(200),
  version: z.number().int().nonnegative(),
});
export type BundleRequest = z.infer<typeof BundleRequestSchema>;

/** What the registry sends back instead of a value when a request fails (never a stack trace). */
export const RegistryRpcErrorSchema = z.object({ error_code: z.string(), error: z.string() });
export type RegistryRpcError = z.infer<typeof RegistryRpcErrorSchema>;

/** A deployment event as published on `clusterNames(prefix).deploymentEvents` (JSON). */
export const DeploymentEventWireSchema = z.object({
  appId: z.string().min(1),
  version: z.number().int().nullable(),
});

/** How long a registry request may take before the client gives up (and serves its cache). */
export const DEFAULT_REGISTRY_REQUEST_TIMEOUT_MS = 2000;

/** Reconnect delay of every registry-RPC Redis connection: short, so recovery after an outage is quick. */
export const REDIS_RECONNECT_DELAY_MS = 500;

/**
 * Nest's Redis transport stops reconnecting after `retryAttempts` (and never reconnects without it):
 * a long-running service keeps trying for ever.
 */
export const REDIS_RETRY_ATTEMPTS = Number.MAX_SAFE_INTEGER;
