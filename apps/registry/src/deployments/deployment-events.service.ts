import { EventEmitter } from 'node:events';
import { Injectable, Logger } from '@nestjs/common';
import type { DeploymentChanged } from '@portico/contracts';

const CHANGED = 'changed';

/**
 * Publishes "app X now serves version N" (or was deleted: `version: null`) after every committed change.
 * In-process for now; cluster mode will put Redis pub/sub behind the same two methods.
 */
@Injectable()
export class DeploymentEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private readonly logger = new Logger(DeploymentEvents.name);

  publish(event: DeploymentChanged): void {
    this.emitter.emit(CHANGED, event);
  }

  /** Subscribes; returns the unsubscribe function. A throwing listener is logged and never stops the others. */
  subscribe(listener: (event: DeploymentChanged) => void): () => void {
    const guarded = (event: DeploymentChanged): void => {
      try {
        listener(event);
      } catch (err) {
        this.logger.error(
          `deployment listener failed for ${event.appId}`,
          err instanceof Error ? err.stack : String(err),
        );
      }
    };
    this.emitter.on(CHANGED, guarded);
    return () => {
      this.emitter.off(CHANGED, guarded);
    };
  }
}
