import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceProcess, entry } from './service-process';
import { PlatformUnderTest } from './standalone';

import { SHARED_REDIS_URL, deleteKeys, uniquePrefix } from '../../libs/cluster/src/testing/redis.fixtures';

export const REDIS_URL = SHARED_REDIS_URL;

/**
 * Portico in cluster mode as separate real processes: one registry, N workers, one gateway, sharing a
 * real Redis under a unique prefix and one embedded store file (all on this host).
 */
export class ClusterPlatform extends PlatformUnderTest {
  readonly prefix = uniquePrefix();
  readonly dataDir = mkdtempSync(join(tmpdir(), 'portico-cluster-'));
  registry!: ServiceProcess;
  gateway!: ServiceProcess;
  readonly workers: ServiceProcess[] = [];

  constructor(
    private readonly options: { workers?: number; env?: Record<string, string>; redisUrl?: string } = {},
  ) {
    super();
  }

  get redisUrl(): string {
    return this.options.redisUrl ?? REDIS_URL;
  }

  private env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      HOST: '127.0.0.1',
      PORT: '0',
      ADMIN_PORT: '0',
      WORKER_HEALTH_PORT: '0',
      REDIS_URL: this.redisUrl,
      PORTICO_REDIS_PREFIX: this.prefix,
      PORTICO_DATA_DIR: this.dataDir,
      PORTICO_ADMIN_TOKEN: this.token,
      PORTICO_SANDBOX_PROCESSES: '2',
      LOG_LEVEL: 'info',
      ...this.options.env,
      ...extra,
    };
  }

  async start(): Promise<this> {
    this.registry = await new ServiceProcess(entry('registry'), [], this.env(), ['registry']).start();
    this.adminUrl = this.registry.urls.registry;
    for (let i = 0; i < (this.options.workers ?? 1); i++) await this.addWorker();
    this.gateway = await new ServiceProcess(entry('gateway'), [], this.env(), ['gateway']).start();
    this.gatewayUrl = this.gateway.urls.gateway;
    return this;
  }

  async addWorker(env: Record<string, string> = {}): Promise<ServiceProcess> {
    const worker = await new ServiceProcess(entry('worker'), [], this.env(env), ['worker']).start();
    this.workers.push(worker);
    return worker;
  }

  /** Everything every process printed, for failure messages. */
  get logs(): string {
    return [this.registry, ...this.workers, this.gateway]
      .filter(Boolean)
      .map((p) => p.output)
      .join('\n');
  }

  async stop(): Promise<void> {
    for (const p of [this.gateway, ...this.workers, this.registry]) if (p) await p.stop();
    await deleteKeys(this.redisUrl, this.prefix).catch(() => undefined);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
