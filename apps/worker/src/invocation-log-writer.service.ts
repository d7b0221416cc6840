import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { AppId, InvocationLogEntry } from '@portico/contracts';
import { PORTICO_LOGGER, type Logger } from '@portico/logging';
import { STORE, type Store } from '@portico/store';

/** Flush at least this often, so `GET …/logs` shows a call a moment after it answered. */
const FLUSH_INTERVAL_MS = 25;
const MAX_BUFFERED = 5000;

/**
 * Appends invocation log entries off the request path: entries are buffered and written in the
 * background, so a slow store never delays a client's answer. If the buffer overflows (the store is
 * down for long), the oldest entries are dropped and one warning is logged — a log must never take
 * the platform down.
 */
@Injectable()
export class InvocationLogWriter implements OnApplicationShutdown {
  private buffer: { appId: AppId; entry: InvocationLogEntry }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private dropped = 0;

  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(PORTICO_LOGGER) private readonly logger: Logger,
  ) {}

  append(appId: AppId, entry: InvocationLogEntry): void {
    if (this.buffer.length >= MAX_BUFFERED) {
      this.buffer.shift();
      if (this.dropped++ === 0)
        this.logger.warn({ appId }, 'invocation log buffer full: dropping oldest entries');
    }
    this.buffer.push({ appId, entry });
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
  }

  /** Writes everything buffered so far; resolves when it is stored. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(async () => {
      try {
        // One write for the whole batch: a transaction per entry would cost more than the call.
        await this.store.metadata.appendLogs(batch);
      } catch (err) {
        this.logger.warn({ err, entries: batch.length }, 'could not write invocation log entries');
      }
    });
    return this.flushing;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}
