import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/**
 * Runs a full garbage collection of this process's heap. V8 only exposes `gc` to contexts created
 * after `--expose-gc` is set; a throwaway context hands it over without putting it on the host's
 * global object (where guest code that escaped vm2 would find it anyway, but nothing else should).
 */
export function collectGarbage(): void {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
