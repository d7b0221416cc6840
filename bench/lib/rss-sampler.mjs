// Samples the resident memory (VmRSS from /proc/<pid>/status) of whole process trees every 200 ms, so
// the bench can report the peak of every process involved — including sandbox hosts that a target
// spawns on demand — separately for the idle phase and the load phase.
import { readFileSync, readdirSync } from 'node:fs';

/** Default sampling period (the brief asks for 200 ms). */
export const SAMPLE_INTERVAL_MS = 200;

/** Parses the VmRSS line of a /proc/<pid>/status text into bytes; undefined when absent (zombie, kernel thread). */
export function parseVmRss(statusText) {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(statusText);
  return m ? Number(m[1]) * 1024 : undefined;
}

/** The real /proc reader; the sampler takes another one in tests. */
export const procFs = {
  rss(pid) {
    try {
      return parseVmRss(readFileSync(`/proc/${pid}/status`, 'utf8'));
    } catch {
      return undefined; // the process is gone
    }
  },
  children(pid) {
    // Linux lists a process's children per thread: a child belongs to the thread that forked it.
    const out = [];
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
        if (text) for (const c of text.split(/\s+/)) out.push(Number(c));
      }
    } catch {
      /* gone meanwhile */
    }
    return out;
  },
  cmdline(pid) {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      return [];
    }
  },
};

/** Names a descendant of a root process from its command line ("sandbox host" for Portico's hosts). */
export function describeChild(argv) {
  if (argv.some((a) => /host\.main\.(js|ts)$/.test(a))) return 'sandbox host';
  const script = argv.find((a, i) => i > 0 && !a.startsWith('-'));
  return script ? script.split('/').pop() : (argv[0] ?? 'child');
}

/**
 * Tracks the RSS peaks of process trees. `track(label, pid)` adds a root; each `sample()` walks every
 * root's descendants and updates the peak of every pid for the current phase (`idle` or `load`).
 */
export class RssSampler {
  constructor(fs = procFs) {
    this.fs = fs;
    this.roots = [];
    /** pid → { pid, label, idle, load } with peaks in bytes (undefined when never seen in that phase). */
    this.procs = new Map();
    this.phase = 'idle';
    this.timer = undefined;
  }

  track(label, pid) {
    this.roots.push({ label, pid });
  }

  setPhase(phase) {
    this.phase = phase;
  }

  sample() {
    for (const root of this.roots) this.visit(root.pid, root.label, true);
  }

  visit(pid, label, isRoot) {
    const rss = this.fs.rss(pid);
    if (rss === undefined) return;
    let entry = this.procs.get(pid);
    if (!entry) {
      const name = isRoot ? label : `${label} › ${describeChild(this.fs.cmdline(pid))}`;
      entry = { pid, label: name, idle: undefined, load: undefined };
      this.procs.set(pid, entry);
    }
    entry[this.phase] = Math.max(entry[this.phase] ?? 0, rss);
    const parent = isRoot ? label : entry.label.split(' › ')[0];
    for (const child of this.fs.children(pid)) this.visit(child, parent, false);
  }

  start(intervalMs = SAMPLE_INTERVAL_MS) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
  }

  /** Every process seen, roots first in the order tracked, then their descendants by pid. */
  report() {
    return [...this.procs.values()];
  }
}
