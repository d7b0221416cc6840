import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { setPriority } from 'node:os';
import { createInterface } from 'node:readline';
import type { Frame } from '../protocol/frame.codec';
import { FrameChannel } from '../protocol/frame.channel';
import { FrameType } from '../protocol/frame.constants';
import type { SandboxLogger } from '../sandbox-pool.options';
import type { HostCommand } from './host-command';

/** Nice value of a deprioritized host: it gets a CPU core only when others leave one free. */
const LOW_PRIORITY = 10;

export interface HostProcessEvents<T> {
  onReady(host: HostProcess<T>): void;
  onFrame(host: HostProcess<T>, frame: Frame): void;
  onExit(host: HostProcess<T>, reason: string): void;
}

/**
 * One sandbox host child process as the pool sees it: the pipe to it and the pool's bookkeeping
 * (which app it serves, which versions it has loaded, what runs in it: `T`). Policy lives in the pool.
 */
export class HostProcess<T> {
  readonly pid: number;
  /** The app it serves; null while it is the unassigned spare. */
  appId: string | null = null;
  ready = false;
  alive = true;
  lastUsed = 0;
  /** Runs at a lower OS priority (its app overran a limit); an unprivileged process cannot undo it. */
  deprioritized = false;
  /** Highest version loaded; older ones are unloaded once idle. */
  latestVersion = -1;
  /** Loaded version → invocations of it in flight. */
  readonly versions = new Map<number, number>();
  readonly running = new Map<number, T>();
  /**
   * The signal that ended the process, once it has exited. SIGVTALRM is a CPU overrun (the host ends
   * itself, host/cpu-budgets.ts). SIGABRT is a memory overrun: V8 aborts
   * when the host's heap is exhausted, and so does the host's RSS watchdog (vm2 engine).
   */
  exitSignal: NodeJS.Signals | null = null;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private stopping = false;
  private readonly channel: FrameChannel;

  constructor(command: HostCommand, logger: SandboxLogger, events: HostProcessEvents<T>) {
    this.child = spawn(command.file, command.args, {
      cwd: command.cwd,
      // No platform variable (credentials, URLs) may reach tenant-adjacent code.
      env: {},
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    this.pid = this.child.pid ?? -1;
    let exit!: () => void;
    this.exited = new Promise((resolve) => (exit = resolve));
    const ended = (reason: string): void => {
      if (this.alive) {
        this.alive = false;
        events.onExit(this, reason);
      }
    };
    this.child.on('exit', (code, signal) => {
      this.exitSignal = signal;
      ended(signal ? `killed by ${signal}` : `exited with code ${String(code)}`);
      exit();
    });
    this.child.on('error', (error) => {
      logger.error({ pid: this.pid, err: error.message }, 'sandbox host failed to start');
      ended('failed to start');
      exit();
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      const source = this.child[stream];
      if (source) {
        createInterface({ input: source }).on('line', (line) => {
          const fields = { pid: this.pid, appId: this.appId, stream };
          if (stream === 'stderr') logger.warn(fields, line);
          else logger.info(fields, line);
        });
      }
    }
    this.channel = new FrameChannel(
      this.child.stdio[3] as Socket,
      (frame) => {
        if (frame.type === FrameType.Ready) {
          this.ready = true;
          events.onReady(this);
        } else {
          events.onFrame(this, frame);
        }
      },
      () => {
        // A host without its pipe is useless: make sure it is gone (unless it is exiting as asked).
        // Its end is reported by the 'exit' event, which follows either way and tells how it died.
        if (!this.stopping) this.kill();
      },
    );
  }

  send(type: number, id: number, aux: number, head?: string, body?: string | Uint8Array): void {
    this.channel.send(type, id, aux, head, body);
  }

  /** Closes the pipe (the host exits on its own), then kills it if it is still there after `graceMs`. */
  stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.channel.close();
    const timer = setTimeout(() => this.kill(), graceMs);
    return this.exited.finally(() => clearTimeout(timer));
  }

  /** Lowers the process's OS scheduling priority, for good (see `deprioritized`). */
  deprioritize(): void {
    if (this.deprioritized || !this.alive) return;
    this.deprioritized = true;
    try {
      setPriority(this.pid, LOW_PRIORITY);
    } catch {
      // Gone already, or the platform refuses: the time limit still bounds the app.
    }
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
