import { CRYPTO_CALLS } from './crypto-calls';
import { JWT_CALLS } from './jwt-calls';
import { AppModules, resolveRequire } from './module-calls';
import { MAX_DATA_BYTES, SyncCallError } from './sync-call.args';

/**
 * Answers the guest's synchronous calls (`GuestMessage.SyncCall`) inside the sandbox host process:
 * what App Services offers synchronously and the isolate cannot do alone (no node:crypto, no files).
 * One instance per loaded app version, holding that version's dependency files.
 *
 * Reply: `"1" + JSON result` or `"0" + message`, which the guest rethrows as an `Error`. The
 * arguments are untrusted (the guest shares its context with tenant code): each op checks its own,
 * and an unexpected failure is reported without platform detail.
 */
export class SyncCalls {
  private readonly app: AppModules | undefined;

  constructor(dependencyFiles: Record<string, string> | undefined) {
    this.app = dependencyFiles === undefined ? undefined : new AppModules(dependencyFiles);
  }

  answer(op: string, argsJson: unknown): string {
    try {
      if (typeof argsJson !== 'string' || argsJson.length > (MAX_DATA_BYTES * 4) / 3 + 65536)
        throw new SyncCallError(`${op}: arguments too large`);
      const args: unknown = JSON.parse(argsJson);
      if (!Array.isArray(args)) throw new SyncCallError(`${op}: malformed arguments`);
      return `1${JSON.stringify(this.run(op, args) ?? null)}`;
    } catch (error) {
      if (error instanceof SyncCallError) return `0${error.message}`;
      // node:crypto's own messages (an unsupported key, a bad padding) say nothing about the platform.
      const detail = error instanceof Error && 'code' in error ? `: ${error.message}` : '';
      return `0${op} failed${detail}`;
    }
  }

  private run(op: string, args: unknown[]): unknown {
    if (op === 'require') return resolveRequire(this.app, args[0], args[1]);
    const call = Object.hasOwn(CRYPTO_CALLS, op)
      ? CRYPTO_CALLS[op]
      : Object.hasOwn(JWT_CALLS, op)
        ? JWT_CALLS[op]
        : undefined;
    if (call === undefined) throw new SyncCallError(`unknown operation ${op}`);
    return call(args);
  }
}
