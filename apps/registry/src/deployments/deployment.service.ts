import { Inject, Injectable } from '@nestjs/common';
import {
  DEFAULT_LIMITS,
  ErrorCode,
  PorticoError,
  asAppId,
  isAppId,
  notFound,
  type AppId,
  type AppRecord,
  type Deployment,
  type DeploymentSpec,
} from '@portico/contracts';
import { generateSigningKey } from '@portico/auth';
import { STORE, type Store } from '@portico/store';
import { generateAppId } from '../apps/app-id';
import { assertValid } from '../common/validation.exception';
import { DeploymentEvents } from './deployment-events.service';
import { deploymentIssues } from './deployment.validator';

/** How often a change is re-applied when another writer committed first. */
const MAX_COMMIT_ATTEMPTS = 5;
/** Upper bound of versions `history` reads back (the store keeps about the last 20). */
const MAX_HISTORY = 50;

/** A pure change of an app's spec: gets a private deep copy, returns the next spec or throws a PorticoError. */
export type SpecMutation = (spec: DeploymentSpec) => DeploymentSpec;

/** The app's current state: its record and the deployment it serves. */
export interface CurrentDeployment {
  app: AppRecord;
  deployment: Deployment;
}

/** The outcome of a committed change: the app now, the version it was applied to and the one it created. */
export interface CommittedChange {
  app: AppRecord;
  previous: Deployment;
  current: Deployment;
}

const isConflict = (err: unknown): boolean => err instanceof PorticoError && err.code === ErrorCode.Conflict;

/** Brands a path parameter as an `AppId`; an id that cannot exist is simply an unknown app. */
export function toAppId(appId: string): AppId {
  if (!isAppId(appId)) throw notFound(`app "${appId}"`);
  return appId;
}

/** The spec of a new app's version 1. */
export function emptySpec(): DeploymentSpec {
  return {
    limits: { ...DEFAULT_LIMITS },
    functions: {},
    endpoints: [],
    values: {},
    secrets: {},
    api_keys: [],
    environment: { tag: '', values: {} },
    auth_signing_key: generateSigningKey(),
  };
}

/**
 * The only writer of deployments. Every admin change is a pure mutation applied to a copy of the current
 * spec, checked for cross-references and committed as the next immutable version with optimistic
 * concurrency; only then is the change published. A rejected change writes nothing.
 */
@Injectable()
export class DeploymentService {
  /** Tail of each app's queue of changes in this process. */
  private readonly pending = new Map<AppId, Promise<void>>();

  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly events: DeploymentEvents,
  ) {}

  /** Creates the app with an empty version 1. Retries with a new random suffix if the id is taken. */
  async createApp(name: string): Promise<CurrentDeployment> {
    for (let attempt = 1; ; attempt++) {
      const id = generateAppId(name);
      try {
        const app = await this.store.metadata.createApp(
          { id, name, created_at: new Date().toISOString() },
          emptySpec(),
        );
        const deployment = await this.store.metadata.getDeployment(id, app.version);
        if (!deployment) throw notFound(`app "${id}"`);
        this.events.publish({ appId: id, version: app.version });
        return { app, deployment };
      } catch (err) {
        if (!isConflict(err) || attempt >= MAX_COMMIT_ATTEMPTS) throw err;
      }
    }
  }

  /** The app's record; 404 when it does not exist. */
  async app(appId: string): Promise<AppRecord> {
    const app = await this.store.metadata.getApp(toAppId(appId));
    if (!app) throw notFound(`app "${appId}"`);
    return app;
  }

  /** The app and the deployment it currently serves; 404 when the app does not exist. */
  async current(appId: string): Promise<CurrentDeployment> {
    const app = await this.app(appId);
    const deployment = await this.store.metadata.getDeployment(asAppId(app.id), app.version);
    if (!deployment) throw notFound(`app "${appId}"`);
    return { app, deployment };
  }

  /**
   * Applies `mutate` to a deep copy of the current spec and commits the result as the next version.
   * On a concurrent commit the mutation is re-applied to the newer spec (it must be pure for that).
   */
  async change(appId: string, mutate: SpecMutation): Promise<CommittedChange> {
    const id = toAppId(appId);
    return await this.serialized(id, () => this.commitWithRetry(id, mutate));
  }

  private async commitWithRetry(id: AppId, mutate: SpecMutation): Promise<CommittedChange> {
    for (let attempt = 1; ; attempt++) {
      const { app, deployment: previous } = await this.current(id);
      const next = mutate(structuredClone(previous.spec));
      // The key that signs user tokens outlives every change (a spec rebuilt by an import included);
      // apps made before it existed get one with their next change.
      next.auth_signing_key = previous.spec.auth_signing_key ?? next.auth_signing_key ?? generateSigningKey();
      assertValid(deploymentIssues(next));
      try {
        const current = await this.store.metadata.commitDeployment(id, app.version, next);
        this.events.publish({ appId: id, version: current.version });
        return { app: { ...app, version: current.version }, previous, current };
      } catch (err) {
        if (!isConflict(err) || attempt >= MAX_COMMIT_ATTEMPTS) throw err;
      }
    }
  }

  /**
   * Runs one app's changes in this process one after another, so concurrent admin requests queue up
   * instead of racing; the optimistic retry then only has other processes to contend with.
   */
  private serialized<T>(appId: AppId, task: () => Promise<T>): Promise<T> {
    const run = (this.pending.get(appId) ?? Promise.resolve()).then(task, task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.pending.set(appId, settled);
    void settled.then(() => {
      if (this.pending.get(appId) === settled) this.pending.delete(appId);
    });
    return run;
  }

  /** Deletes the app, its deployments, logs, data, users and sessions, then publishes `version: null`. */
  async deleteApp(appId: string): Promise<void> {
    const id = toAppId(appId);
    if (!(await this.store.metadata.deleteApp(id))) throw notFound(`app "${appId}"`);
    await this.store.data.dropApp(id);
    await this.store.users.dropApp(id);
    this.events.publish({ appId: id, version: null });
  }

  /** Versions still stored, newest first (older ones may have been pruned by the store). */
  async history(appId: string): Promise<{ version: number; created_at: string }[]> {
    const app = await this.app(appId);
    const versions: { version: number; created_at: string }[] = [];
    for (let version = app.version; version >= 1 && versions.length < MAX_HISTORY; version--) {
      const deployment = await this.store.metadata.getDeployment(asAppId(app.id), version);
      if (!deployment) break;
      versions.push({ version, created_at: deployment.created_at });
    }
    return versions;
  }
}
