import { Socket } from 'node:net';
import { createEngine } from '../engine/create-engine';
import { SANDBOX_ENGINES, type SandboxEngineName } from '../engine/sandbox-engine.port';
import { FrameChannel } from '../protocol/frame.channel';
import { FrameType } from '../protocol/frame.constants';
import { CpuBudgets } from './cpu-budgets';
import { installGuestRejectionGuard } from './guest-rejection.guard';
import { SandboxHost } from './sandbox.host';

/**
 * Entry point of a sandbox host process, spawned by `SandboxPool` with an empty environment and the
 * protocol pipe on fd 3. Argument: `--engine=<name>`. Exits when the pool closes the pipe.
 */
function main(): void {
  const arg = process.argv.find((a) => a.startsWith('--engine='))?.slice('--engine='.length) ?? 'isolated-vm';
  if (!(SANDBOX_ENGINES as readonly string[]).includes(arg)) {
    process.stderr.write(`sandbox host: unknown engine ${arg}\n`);
    process.exit(2);
  }
  const engine = createEngine(arg as SandboxEngineName);
  // Under vm2, guest promises are this process's promises (see guest-rejection.guard.ts).
  if (engine.name === 'vm2') installGuestRejectionGuard();
  // Before Ready: a pre-started spare then turns a cold start into a context creation only.
  engine.warmUp?.();
  const socket = new Socket({ fd: 3, readable: true, writable: true });
  const host: SandboxHost = new SandboxHost(
    engine,
    (type, id, aux, head, body) => channel.send(type, id, aux, head, body),
    new CpuBudgets(),
  );
  const channel = new FrameChannel(
    socket,
    (frame) => host.onFrame(frame),
    () => process.exit(0),
  );
  channel.send(FrameType.Ready, 0, 0, String(process.pid));
}

main();
