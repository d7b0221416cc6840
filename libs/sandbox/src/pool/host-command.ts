import { join, resolve } from 'node:path';
import type { SandboxEngineName } from '../engine/sandbox-engine.port';

/** How to start a sandbox host process. */
export interface HostCommand {
  file: string;
  args: string[];
  cwd: string;
}

/**
 * Built code runs `dist/libs/sandbox/src/host/host.main.js`. From TypeScript sources (jest), the
 * host is started from `host.main.ts` through @swc-node/register, which reads the repository's
 * tsconfig.json from the working directory. `--no-node-snapshot` is required by isolated-vm on Node 20+.
 */
export function hostCommand(
  engine: SandboxEngineName,
  heapMb: number,
  nodeOptions: readonly string[],
): HostCommand {
  const fromSource = __filename.endsWith('.ts');
  const hostDir = join(__dirname, '..', 'host');
  const args = ['--no-node-snapshot', `--max-old-space-size=${heapMb}`, ...nodeOptions];
  if (fromSource) args.push('--require', require.resolve('@swc-node/register'));
  args.push(join(hostDir, fromSource ? 'host.main.ts' : 'host.main.js'), `--engine=${engine}`);
  return { file: process.execPath, args, cwd: fromSource ? resolve(__dirname, '../../../..') : hostDir };
}
