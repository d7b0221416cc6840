import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const entry = (app: 'cli' | 'gateway' | 'registry' | 'worker'): string =>
  join(ROOT, 'dist', 'apps', app, 'src', 'main.js');

/**
 * One real Portico process. It is ready when it has printed a JSON log line `{service, url}` for
 * every service named in `waitFor`; the urls are kept by service name.
 */
export class ServiceProcess {
  readonly urls: Record<string, string> = {};
  output = '';
  private child: ChildProcess | undefined;

  constructor(
    private readonly script: string,
    private readonly args: string[],
    private readonly env: Record<string, string>,
    private readonly waitFor: string[],
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(timeoutMs = 20_000): Promise<this> {
    if (!existsSync(this.script))
      throw new Error(`${this.script} is missing: run \`npm run build\` first (npm test does it)`);
    const child = spawn(process.execPath, [this.script, ...this.args], {
      env: { PATH: process.env.PATH ?? '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.script} did not start in ${timeoutMs} ms:\n${this.output}`)),
        timeoutMs,
      );
      let pending = '';
      const ready = () => this.waitFor.every((s) => this.urls[s]);
      child.stdout?.on('data', (chunk: Buffer) => {
        this.output += chunk.toString();
        pending += chunk.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          try {
            const entry = JSON.parse(line) as { service?: string; url?: string };
            if (entry.service && entry.url && !this.urls[entry.service]) this.urls[entry.service] = entry.url;
          } catch {
            /* not a JSON line */
          }
        }
        if (ready()) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${this.script} exited with ${code} before it was ready:\n${this.output}`));
      });
    });
    return this;
  }

  /** Sends `signal` and resolves with the exit code (SIGKILL after 10 s if it does not exit). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.child;
    if (!child || !this.running) return child?.exitCode ?? null;
    return new Promise<number | null>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', (code) => {
        clearTimeout(kill);
        resolve(code);
      });
      child.kill(signal);
    });
  }
}
