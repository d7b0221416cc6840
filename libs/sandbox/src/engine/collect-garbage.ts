import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/**
 * Runs a full garbage collection of this process's heap. V8 puts `gc` on the global object of every
 * context created while `--expose-gc` is set, so the flag is on only for the one throwaway context
 * that hands the function over: guest contexts (vm2 VMs) created later must not get it.
 */
export function collectGarbage(): void {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    try {
      gc = runInNewContext('gc') as () => void;
    } finally {
      setFlagsFromString('--no-expose-gc');
    }
  }
  gc();
}
