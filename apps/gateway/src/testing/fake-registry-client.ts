import {
  DEFAULT_LIMITS,
  type DeploymentChanged,
  type EndpointSpec,
  type FunctionBundle,
  type RegistryClient,
  type RouteSnapshot,
} from '@portico/contracts';

/** An endpoint as the registry stores it (all Atlas defaults applied). */
export function buildEndpoint(
  route: string,
  functionName: string,
  overrides: Partial<EndpointSpec> = {},
): EndpointSpec {
  return {
    route,
    http_method: 'GET',
    function_name: functionName,
    validation_method: 'NO_VALIDATION',
    respond_result: true,
    fetch_custom_user_data: false,
    create_user_on_auth: false,
    disabled: false,
    return_type: 'JSON',
    ...overrides,
  };
}

/** Run-mode facts of a function that needs no credentials. */
export const SYSTEM_FN = { private: false, run_as_system: true, has_user_script: false } as const;
/** Run-mode facts of a function that uses application authentication. */
export const APP_AUTH_FN = { private: false, run_as_system: false, has_user_script: false } as const;

/** A hand-built snapshot with defaults for everything a test does not care about. */
export function buildSnapshot(
  overrides: Partial<RouteSnapshot> & Pick<RouteSnapshot, 'appId'>,
): RouteSnapshot {
  return {
    appName: overrides.appId.replace(/-[a-z]{5}$/, ''),
    version: 1,
    limits: { ...DEFAULT_LIMITS },
    endpoints: [],
    functions: {},
    secrets: {},
    api_keys: [],
    ...overrides,
  };
}

/**
 * An in-memory `RegistryClient` for gateway tests: serves the snapshots it was given, counts lookups,
 * can hold lookups back (to observe single flight) and fires deployment events like the registry does.
 */
export class FakeRegistryClient implements RegistryClient {
  readonly lookups: string[] = [];
  private readonly snapshots = new Map<string, RouteSnapshot>();
  private readonly listeners = new Set<(event: DeploymentChanged) => void>();
  private gate: Promise<void> | undefined;
  private failure: Error | undefined;
  private openGate: (() => void) | undefined;

  constructor(snapshots: RouteSnapshot[] = []) {
    for (const s of snapshots) this.snapshots.set(s.appId, s);
  }

  currentSnapshot(appId: string): Promise<RouteSnapshot | null> {
    this.lookups.push(appId);
    const failure = this.failure;
    this.failure = undefined;
    if (failure !== undefined) return Promise.reject(failure);
    const answer = (): RouteSnapshot | null => this.snapshots.get(appId) ?? null;
    return this.gate ? this.gate.then(answer) : Promise.resolve(answer());
  }

  bundle(_appId: string, _version: number): Promise<FunctionBundle | null> {
    return Promise.resolve(null);
  }

  onDeploymentChanged(listener: (event: DeploymentChanged) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Makes `snapshot` current and announces it, as a registry does after a committed change. */
  deploy(snapshot: RouteSnapshot): void {
    this.snapshots.set(snapshot.appId, snapshot);
    this.emit({ appId: snapshot.appId, version: snapshot.version });
  }

  /** Deletes the app and announces `version: null`. */
  remove(appId: string): void {
    this.snapshots.delete(appId);
    this.emit({ appId, version: null });
  }

  /** Makes the next lookup fail, as an unreachable registry would. */
  failNextLookup(error = new Error('registry unreachable')): void {
    this.failure = error;
  }

  /** Holds every lookup until `release()`. */
  hold(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  private emit(event: DeploymentChanged): void {
    for (const listener of this.listeners) listener(event);
  }
}
