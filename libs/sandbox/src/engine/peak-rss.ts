import { openSync, readFileSync, writeSync } from 'node:fs';

const MB = 1048576;

/**
 * The process's peak resident size since the last `reset()`, in MB. Linux keeps a high-water mark
 * (`VmHWM`) that writing `5` to `/proc/self/clear_refs` resets to the current size, so a
 * spike that came and went between two looks is still seen. Where that file cannot be written the
 * high-water mark cannot be reset, and only the current size is reported.
 */
export class PeakRss {
  private readonly clearRefs: number | undefined;

  constructor() {
    let fd: number | undefined;
    try {
      fd = openSync('/proc/self/clear_refs', 'w');
      writeSync(fd, '5');
    } catch {
      fd = undefined;
    }
    this.clearRefs = fd;
  }

  reset(): void {
    if (this.clearRefs !== undefined) writeSync(this.clearRefs, '5');
  }

  peakMb(): number {
    const current = process.memoryUsage.rss() / MB;
    if (this.clearRefs === undefined) return current;
    return Math.max(current, highWaterMarkMb() ?? 0);
  }
}

/**
 * `VmHWM` of `/proc/self/status`: the mm's high-water mark, which is exactly what `clear_refs` resets.
 * (`getrusage`'s max RSS is not: it also keeps the marks of threads that exited, so a spike before the
 * reset could still be counted against a later call.)
 */
function highWaterMarkMb(): number | undefined {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'latin1'));
  return match ? Number(match[1]) / 1024 : undefined;
}
