// Child processes and temp dirs of a bench run, and their cleanup on every way out (normal end, error,
// Ctrl-C, SIGTERM): each child runs in its own process group, so killing the group also takes the
// sandbox host processes it spawned.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const children = new Set();
const tempDirs = new Set();

/** A fresh temp dir, removed by `cleanupAll`. */
export function makeTempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

/** Stops one child (SIGTERM to its group, SIGKILL after `graceMs`) and waits for it to exit. */
export async function stopChild(child, graceMs = 5000) {
  if (!children.has(child)) return;
  if (child.exitCode === null && child.signalCode === null) {
    await new Promise((resolve) => {
      const kill = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      signalGroup(child, 'SIGTERM');
    });
  }
  // The leader may be gone while a host it spawned lingers in the group.
  signalGroup(child, 'SIGKILL');
  children.delete(child);
}

/** Stops every child and removes every temp dir; safe to call more than once. */
export async function cleanupAll() {
  await Promise.all([...children].map((c) => stopChild(c)));
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** Last-resort synchronous cleanup for `process.on('exit')`, where nothing async runs any more. */
function cleanupSync() {
  for (const child of children) signalGroup(child, 'SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}

/** Installs the handlers that clean up on Ctrl-C, SIGTERM and process exit. */
export function installCleanupHandlers() {
  process.once('exit', cleanupSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping every process ...\n`);
      cleanupAll().finally(() => process.exit(130));
    });
  }
}

/**
 * Spawns `node <args>` and resolves once its JSON log lines have announced a `url` for every service
 * in `services` (the `{service, url}` lines Portico prints at start-up). Rejects with the process's
 * own output when it exits first or does not get ready in `timeoutMs`. Output after start-up is
 * drained (a full pipe would stall the child) and only its tail is kept for error messages.
 */
export function spawnService({ args, env, services, timeoutMs = 30_000 }) {
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.add(child);
  let output = '';
  const keep = (text) => {
    output = (output + text).slice(-8000);
  };
  const urls = {};
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(`logged no {service: ${services.join('|')}, url} JSON line within ${timeoutMs} ms`),
      timeoutMs,
    );
    function fail(why) {
      clearTimeout(timer);
      reject(new ServiceStartError(why, output));
    }
    const onLine = (line) => {
      try {
        const entry = JSON.parse(line);
        if (entry && typeof entry.service === 'string' && typeof entry.url === 'string')
          urls[entry.service] = entry.url;
      } catch {
        return; // not a JSON line
      }
      if (services.every((s) => urls[s])) {
        clearTimeout(timer);
        resolve(urls);
      }
    };
    let pending = '';
    child.stdout.on('data', (chunk) => {
      const text = chunk.toString();
      keep(text);
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    child.stderr.on('data', (chunk) => keep(chunk.toString()));
    child.once('error', (err) => fail(err.message));
    child.once('exit', (code, signal) => fail(`exited with ${signal ?? code} before it was ready`));
  });
  return { child, ready, output: () => output };
}

/** A child that stopped or stalled during start-up; `output` is the tail of what it printed. */
export class ServiceStartError extends Error {
  constructor(why, output) {
    super(why);
    this.output = output;
  }

  /** The most telling line of the output (the last non-empty one), for a one-line table note. */
  get lastLine() {
    const lines = stripAnsi(this.output)
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    return lines.pop() ?? '';
  }
}

/** Removes terminal colour codes (Nest's default logger colours its lines). */
export const stripAnsi = (text) => text.replace(/\x1b\[[0-9;]*m/g, '');
