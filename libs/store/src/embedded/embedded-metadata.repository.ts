import type Database from 'better-sqlite3';
import type { AppId, AppRecord, Deployment, DeploymentSpec, InvocationLogEntry } from '@portico/contracts';
import type { MetadataRepository } from '../store.port';
import { DEPLOYMENT_RETENTION } from '../store.constants';
import { appConflict, appNotFound, versionConflict } from '../shared/store-errors';
import { settle } from '../shared/settle';

interface AppRow {
  id: string;
  name: string;
  created_at: string;
  version: number;
}
interface DeploymentRow {
  app_id: string;
  version: number;
  created_at: string;
  spec: string;
}

const toDeployment = (row: DeploymentRow): Deployment => ({
  appId: row.app_id,
  version: row.version,
  created_at: row.created_at,
  spec: JSON.parse(row.spec) as DeploymentSpec,
});

/**
 * Apps, deployments and invocation logs in SQLite. Writes that touch several rows are one
 * `BEGIN IMMEDIATE` transaction: it takes the write lock up front, so two processes never deadlock
 * upgrading a read lock, and the check-then-write of `commitDeployment` cannot interleave.
 */
export class EmbeddedMetadataRepository implements MetadataRepository {
  private readonly stmt;
  private readonly pruneEvery: number;
  private readonly appendsSincePrune = new Map<string, number>();

  constructor(
    private readonly db: Database.Database,
    private readonly logRetention: number,
  ) {
    this.pruneEvery = Math.max(1, Math.floor(logRetention / 10));
    this.stmt = {
      insertApp: db.prepare<[string, string, string, number]>(
        'INSERT INTO apps (id, name, created_at, version) VALUES (?, ?, ?, ?)',
      ),
      getApp: db.prepare<[string], AppRow>('SELECT id, name, created_at, version FROM apps WHERE id = ?'),
      listApps: db.prepare<[], AppRow>(
        'SELECT id, name, created_at, version FROM apps ORDER BY created_at, id',
      ),
      setVersion: db.prepare<[number, string]>('UPDATE apps SET version = ? WHERE id = ?'),
      deleteApp: db.prepare<[string]>('DELETE FROM apps WHERE id = ?'),
      insertDeployment: db.prepare<[string, number, string, string]>(
        'INSERT INTO deployments (app_id, version, created_at, spec) VALUES (?, ?, ?, ?)',
      ),
      getDeployment: db.prepare<[string, number], DeploymentRow>(
        'SELECT app_id, version, created_at, spec FROM deployments WHERE app_id = ? AND version = ?',
      ),
      pruneDeployments: db.prepare<[string, number]>(
        'DELETE FROM deployments WHERE app_id = ? AND version <= ?',
      ),
      deleteDeployments: db.prepare<[string]>('DELETE FROM deployments WHERE app_id = ?'),
      insertLog: db.prepare<[string, string]>('INSERT INTO invocation_logs (app_id, entry) VALUES (?, ?)'),
      // Everything older than the newest `retention` entries of the app; a no-op while there are fewer.
      pruneLogs: db.prepare<[string, string, number]>(
        'DELETE FROM invocation_logs WHERE app_id = ? AND seq < (SELECT seq FROM invocation_logs WHERE app_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)',
      ),
      listLogs: db.prepare<[string, number], { entry: string }>(
        'SELECT entry FROM invocation_logs WHERE app_id = ? ORDER BY seq DESC LIMIT ?',
      ),
      deleteLogs: db.prepare<[string]>('DELETE FROM invocation_logs WHERE app_id = ?'),
    };
  }

  createApp(app: { id: AppId; name: string; created_at: string }, spec: DeploymentSpec): Promise<AppRecord> {
    return settle(() => {
      this.db
        .transaction(() => {
          if (this.stmt.getApp.get(app.id)) throw appConflict(app.id);
          this.stmt.insertApp.run(app.id, app.name, app.created_at, 1);
          this.stmt.insertDeployment.run(app.id, 1, app.created_at, JSON.stringify(spec));
        })
        .immediate();
      return { id: app.id, name: app.name, created_at: app.created_at, version: 1 };
    });
  }

  listApps(): Promise<AppRecord[]> {
    return settle(() => this.stmt.listApps.all().map((row) => ({ ...row })));
  }

  getApp(appId: AppId): Promise<AppRecord | null> {
    return settle(() => {
      const row = this.stmt.getApp.get(appId);
      return row ? { ...row } : null;
    });
  }

  deleteApp(appId: AppId): Promise<boolean> {
    return settle(() =>
      this.db
        .transaction(() => {
          const deleted = this.stmt.deleteApp.run(appId).changes > 0;
          this.stmt.deleteDeployments.run(appId);
          this.stmt.deleteLogs.run(appId);
          return deleted;
        })
        .immediate(),
    );
  }

  getDeployment(appId: AppId, version: number): Promise<Deployment | null> {
    return settle(() => {
      const row = this.stmt.getDeployment.get(appId, version);
      return row ? toDeployment(row) : null;
    });
  }

  commitDeployment(appId: AppId, expectedVersion: number, spec: DeploymentSpec): Promise<Deployment> {
    return settle(() =>
      this.db
        .transaction(() => {
          const app = this.stmt.getApp.get(appId);
          if (!app) throw appNotFound(appId);
          if (app.version !== expectedVersion) throw versionConflict(appId, expectedVersion);
          const deployment: Deployment = {
            appId,
            version: expectedVersion + 1,
            created_at: new Date().toISOString(),
            spec,
          };
          this.stmt.insertDeployment.run(
            appId,
            deployment.version,
            deployment.created_at,
            JSON.stringify(spec),
          );
          this.stmt.setVersion.run(deployment.version, appId);
          this.stmt.pruneDeployments.run(appId, deployment.version - DEPLOYMENT_RETENTION);
          return deployment;
        })
        .immediate(),
    );
  }

  appendLog(appId: AppId, entry: InvocationLogEntry): Promise<void> {
    return this.appendLogs([{ appId, entry }]);
  }

  appendLogs(batch: { appId: AppId; entry: InvocationLogEntry }[]): Promise<void> {
    return settle(() => {
      if (batch.length === 0) return;
      // Appends happen on every invocation: one transaction per batch, and prune an app only every
      // `pruneEvery`th append (listLogs never shows more than the retention, so the few extra rows
      // in between are invisible).
      const due = new Map<AppId, number>();
      for (const { appId } of batch)
        due.set(appId, (due.get(appId) ?? this.appendsSincePrune.get(appId) ?? 0) + 1);
      this.db
        .transaction(() => {
          for (const { appId, entry } of batch) this.stmt.insertLog.run(appId, JSON.stringify(entry));
          for (const [appId, count] of due) {
            if (count >= this.pruneEvery) this.stmt.pruneLogs.run(appId, appId, this.logRetention - 1);
          }
        })
        .immediate();
      for (const [appId, count] of due)
        this.appendsSincePrune.set(appId, count >= this.pruneEvery ? 0 : count);
    });
  }

  listLogs(appId: AppId, limit: number): Promise<InvocationLogEntry[]> {
    return settle(() =>
      limit > 0
        ? this.stmt.listLogs
            .all(appId, Math.floor(limit))
            .map((row) => JSON.parse(row.entry) as InvocationLogEntry)
        : [],
    );
  }
}
