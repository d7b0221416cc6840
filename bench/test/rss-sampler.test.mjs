// Tests of the RSS sampler: parsing, tree walking and phases on a fake /proc, then on a real process
// tree (a node child that spawns a grandchild), read from the real /proc.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { describeChild, parseVmRss, procFs, RssSampler } from '../lib/rss-sampler.mjs';

describe('parseVmRss', () => {
  it('reads VmRSS in bytes and is undefined without it', () => {
    assert.equal(parseVmRss('Name:\tnode\nVmPeak:\t  999 kB\nVmRSS:\t   2048 kB\nThreads: 7\n'), 2048 * 1024);
    assert.equal(parseVmRss('Name:\tkthreadd\nThreads: 1\n'), undefined);
  });
});

describe('describeChild', () => {
  it('recognises sandbox hosts and otherwise names the script', () => {
    assert.equal(
      describeChild(['/usr/bin/node', '--no-node-snapshot', '/x/host/host.main.js', '--engine=isolated-vm']),
      'sandbox host',
    );
    assert.equal(describeChild(['/usr/bin/node', '/x/y/other.js']), 'other.js');
    assert.equal(describeChild([]), 'child');
  });
});

describe('RssSampler on a fake /proc', () => {
  it('walks descendants, labels them, and keeps peaks per phase', () => {
    const rss = new Map([
      [1, 100],
      [2, 50],
      [3, 10],
    ]);
    const fake = {
      rss: (pid) => rss.get(pid),
      children: (pid) => ({ 1: [2], 2: [3] })[pid] ?? [],
      cmdline: (pid) => (pid === 2 ? ['node', '/d/host.main.js'] : ['node', '/d/tool.js']),
    };
    const sampler = new RssSampler(fake);
    sampler.track('standalone', 1);
    sampler.sample();
    rss.set(1, 80);
    sampler.sample();
    sampler.setPhase('load');
    rss.set(1, 300);
    rss.set(2, 70);
    rss.delete(3); // a host that exited
    sampler.sample();
    rss.set(1, 200);
    sampler.sample();
    assert.deepEqual(sampler.report(), [
      { pid: 1, label: 'standalone', idle: 100, load: 300 },
      { pid: 2, label: 'standalone › sandbox host', idle: 50, load: 70 },
      { pid: 3, label: 'standalone › tool.js', idle: 10, load: undefined },
    ]);
  });
});

describe('RssSampler on real processes', () => {
  let child;
  after(() => {
    if (child && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  });

  it('finds a child and a grandchild through /proc and reads their RSS', async () => {
    const grandchild = 'setInterval(() => {}, 1000)';
    const script = `const c = require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(grandchild)}], { stdio: 'ignore' });
      process.stdout.write(String(c.pid) + '\\n'); setInterval(() => {}, 1000);`;
    child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
    const grandPid = Number(
      await new Promise((resolve) => child.stdout.once('data', (d) => resolve(String(d).trim()))),
    );
    assert.deepEqual(procFs.children(child.pid), [grandPid]);
    const sampler = new RssSampler();
    sampler.track('root', child.pid);
    sampler.start(20);
    await new Promise((r) => setTimeout(r, 100));
    sampler.stop();
    const seen = sampler.report();
    assert.deepEqual(
      seen.map((p) => p.pid),
      [child.pid, grandPid],
    );
    assert.match(seen[1].label, /^root › /);
    for (const p of seen) assert.ok(p.idle > 1024 * 1024, `${p.label} RSS ${p.idle} should be over 1 MiB`);
    assert.equal(procFs.rss(999_999_999), undefined);
  });
});
