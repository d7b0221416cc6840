import {
  ErrorCode,
  PorticoError,
  notFound,
  type AppId,
  type AppRecord,
  type Deployment,
  type DeploymentChanged,
  type DeploymentSpec,
  type InvocationLogEntry,
} from '@portico/contracts';
import type { MetadataRepository, Store, TenantDataRepository, UserRepository } from '@portico/store';
import { DeploymentEvents } from '../deployments/deployment-events.service';
import { DeploymentService } from '../deployments/deployment.service';

/**
 * A `MetadataRepository` in memory for unit specs only, with the port's semantics: atomic create,
 * optimistic concurrency on commit, copies in and out so no caller shares state with the "store".
 */
export class InMemoryMetadataRepository implements MetadataRepository {
  readonly apps = new Map<string, AppRecord>();
  readonly deployments = new Map<string, Deployment>();
  readonly logs = new Map<string, InvocationLogEntry[]>();
  /** Counts commits, so a spec can assert that a rejected change wrote nothing. */
  commits = 0;

  createApp(app: { id: AppId; name: string; created_at: string }, spec: DeploymentSpec): Promise<AppRecord> {
    if (this.apps.has(app.id))
      return Promise.reject(new PorticoError(ErrorCode.Conflict, `app ${app.id} exists`, 409));
    const record: AppRecord = { ...app, version: 1 };
    this.apps.set(app.id, record);
    this.deployments.set(`${app.id}@1`, {
      appId: app.id,
      version: 1,
      created_at: app.created_at,
      spec: structuredClone(spec),
    });
    return Promise.resolve({ ...record });
  }

  listApps(): Promise<AppRecord[]> {
    return Promise.resolve([...this.apps.values()].map((a) => ({ ...a })));
  }

  getApp(appId: AppId): Promise<AppRecord | null> {
    const app = this.apps.get(appId);
    return Promise.resolve(app ? { ...app } : null);
  }

  deleteApp(appId: AppId): Promise<boolean> {
    if (!this.apps.delete(appId)) return Promise.resolve(false);
    for (const key of [...this.deployments.keys()])
      if (key.startsWith(`${appId}@`)) this.deployments.delete(key);
    this.logs.delete(appId);
    return Promise.resolve(true);
  }

  getDeployment(appId: AppId, version: number): Promise<Deployment | null> {
    const deployment = this.deployments.get(`${appId}@${version}`);
    return Promise.resolve(deployment ? structuredClone(deployment) : null);
  }

  commitDeployment(appId: AppId, expectedVersion: number, spec: DeploymentSpec): Promise<Deployment> {
    const app = this.apps.get(appId);
    if (!app) return Promise.reject(notFound(`app ${appId}`));
    if (app.version !== expectedVersion)
      return Promise.reject(new PorticoError(ErrorCode.Conflict, 'version moved', 409));
    const deployment: Deployment = {
      appId,
      version: expectedVersion + 1,
      created_at: new Date().toISOString(),
      spec: structuredClone(spec),
    };
    this.deployments.set(`${appId}@${deployment.version}`, deployment);
    app.version = deployment.version;
    this.commits++;
    return Promise.resolve(structuredClone(deployment));
  }

  appendLog(appId: AppId, entry: InvocationLogEntry): Promise<void> {
    this.logs.set(appId, [...(this.logs.get(appId) ?? []), structuredClone(entry)]);
    return Promise.resolve();
  }

  async appendLogs(batch: { appId: AppId; entry: InvocationLogEntry }[]): Promise<void> {
    for (const { appId, entry } of batch) await this.appendLog(appId, entry);
  }

  listLogs(appId: AppId, limit: number): Promise<InvocationLogEntry[]> {
    return Promise.resolve([...(this.logs.get(appId) ?? [])].reverse().slice(0, limit));
  }
}

/** A `Store` over the in-memory metadata; tenant data is out of scope for the registry's unit specs. */
export function createInMemoryStore(): Store & {
  metadata: InMemoryMetadataRepository;
  droppedApps: string[];
} {
  const droppedApps: string[] = [];
  // Only `dropApp` is reachable from the registry; any other data call is a bug in the spec under test.
  const data = new Proxy({} as TenantDataRepository, {
    get: (_target, method) =>
      method === 'dropApp'
        ? (appId: string) => {
            droppedApps.push(appId);
            return Promise.resolve();
          }
        : () => Promise.reject(new Error(`unexpected tenant data call ${String(method)}`)),
  });
  // Users are tested against the real adapters (store contract, e2e); app deletion only drops them.
  const users = new Proxy({} as UserRepository, {
    get: (_target, method) =>
      method === 'dropApp'
        ? () => Promise.resolve()
        : () => Promise.reject(new Error(`unexpected user call ${String(method)}`)),
  });
  return {
    kind: 'embedded',
    metadata: new InMemoryMetadataRepository(),
    data,
    users,
    droppedApps,
    close: () => Promise.resolve(),
  };
}

/** The registry's write path over an in-memory store, with every published event recorded. */
export function createTestDeployments(): {
  store: ReturnType<typeof createInMemoryStore>;
  events: DeploymentEvents;
  deployments: DeploymentService;
  published: DeploymentChanged[];
} {
  const store = createInMemoryStore();
  const events = new DeploymentEvents();
  const published: DeploymentChanged[] = [];
  events.subscribe((event) => published.push(event));
  return { store, events, deployments: new DeploymentService(store, events), published };
}
