import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

/**
 * The vm2 engine's memory limit in a real child process, as a sandbox host runs it: the RSS
 * watchdog is armed only while guest code runs. Between calls the host itself may grow (receiving
 * and parsing the next app's bundle, garbage not yet collected); aborting an idle host for that
 * failed the next app's first call with MemoryLimitExceeded (seen in CI: a host that had loaded 14 MB
 * of dependencies under `memory_mb: 16` was aborted while idle).
 */
const ENGINE = join(__dirname, 'vm2.engine.ts');
const MESSAGES = join(__dirname, '..', 'guest', 'guest-message.constants.ts');

const SCRIPT = `
const { Vm2Engine } = require(${JSON.stringify(ENGINE)});
const { GuestMessage } = require(${JSON.stringify(MESSAGES)});
const say = (line) => require('node:fs').writeSync(1, line + '\\n');
const functions = {
  hello: 'exports = () => "hello";',
  hog: 'exports = () => { const kept = []; for (let i = 0; i < 200; i++) kept.push(new Uint8Array(8 << 20).fill(1)); return kept.length; };',
};
const bundle = {
  appId: 'watch-abcde', appName: 'watch', created_at: '2026-01-01T00:00:00Z',
  functions: Object.fromEntries(Object.entries(functions).map(([n, source]) => [n, { source, private: false }])),
  values: {}, environment: { tag: '', values: {} }, services: [], limits: { memory_mb: 16 },
};
const job = (f) => JSON.stringify({ f, fmt: 'JSON', rr: true, sys: false, b: null, h: {}, q: {} }) + '\\n{}';
const engine = new Vm2Engine();
engine.warmUp();
const env = engine.createEnvironment({
  memoryMb: 16,
  bundleJson: JSON.stringify(bundle),
  bridge: (kind, id, aux, text, data) => { if (kind === GuestMessage.Done) say('done ' + id + ' ' + data); },
});
const call = (id, f) => {
  try { env.dispatch(GuestMessage.Invoke, id, 0, job(f)); } catch (e) { say('fault ' + id + ' ' + e.code); }
};
call(1, 'hello');
setTimeout(() => {
  // The host's own memory between calls, far beyond this process's limit (touched, so resident).
  let ballast = Buffer.alloc(300 << 20, 1);
  setTimeout(() => {
    say('idle host alive, ballast ' + ballast.length);
    ballast = undefined;
    call(2, 'hog');
    setTimeout(() => process.exit(0), 200);
  }, 300);
}, 50);
`;

describe('Vm2Engine memory watchdog (real process)', () => {
  it('leaves an idle host alone, whatever its size, and still stops a guest that outgrows its limit', () => {
    const child = spawnSync(
      process.execPath,
      ['--require', require.resolve('@swc-node/register'), '-e', SCRIPT],
      { cwd: resolve(__dirname, '../../../..'), encoding: 'utf8', env: {}, timeout: 60_000 },
    );
    const lines = child.stdout.trim().split('\n');
    expect(lines.slice(0, 2)).toEqual(['done 1 "hello"', `idle host alive, ballast ${300 << 20}`]);
    // The hog is stopped during its call: by the watchdog (SIGABRT) or by the peak check after it.
    const stopped = child.signal === 'SIGABRT' || lines.includes('fault 2 MemoryLimitExceeded');
    expect({ stopped, lines }).toEqual({ stopped: true, lines: expect.not.arrayContaining(['done 2 200']) });
  }, 60_000);
});
