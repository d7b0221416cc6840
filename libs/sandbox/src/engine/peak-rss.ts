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
 * `VmHWM` of `/proc/self/status`: this process image's high-water mark, which is exactly what
 * `clear_refs` resets. Not `getrusage`'s max RSS: the kernel also folds into it the mark of the image
 * before `exec`, i.e. of the forked copy of the parent. A host spawned by a large parent (a long-running
 * worker, a test runner late in a suite) would then report the parent's size as its own peak and be
 * killed for memory it never used.
 */
function highWaterMarkMb(): number | undefined {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'latin1'));
  return match ? Number(match[1]) / 1024 : undefined;
}
