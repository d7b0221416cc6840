import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { SANDBOX_RUNNER, type SandboxRunner } from '@portico/sandbox';

/** Stops the sandbox host processes when the worker shuts down, so none outlive it. */
@Injectable()
export class SandboxLifecycle implements OnApplicationShutdown {
  constructor(@Inject(SANDBOX_RUNNER) private readonly sandbox: SandboxRunner) {}

  async onApplicationShutdown(): Promise<void> {
    await this.sandbox.close();
  }
}
