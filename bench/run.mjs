#!/usr/bin/env node
// `npm run bench`: drives the same hello endpoint on plain node:http (baseline), standalone Portico
// (once per sandbox engine) and cluster Portico with autocannon, at concurrency 1 and 50, and prints
// req/s, latency, the ratio to the baseline, non-2xx answers, the peak RSS of every process, and the
// DESIGN goals (PASS/MISS, never asserted). See docs/benchmarks.md.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { cleanupAll, installCleanupHandlers, ServiceStartError, stripAnsi } from './lib/processes.mjs';
import { runLoad } from './lib/load.mjs';
import { renderGoals, renderResults, renderRss } from './lib/report.mjs';
import { RssSampler } from './lib/rss-sampler.mjs';
import {
  clusterUnavailable,
  HELLO_BODY,
  startBaseline,
  startCluster,
  startStandalone,
  waitForOk,
} from './lib/targets.mjs';

const DURATION = positive('BENCH_DURATION', 10);
const WARMUP = positive('BENCH_WARMUP', 2);
const CONCURRENCIES = [1, 50];
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const IDLE_SAMPLE_MS = 1000;

function positive(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`${name} must be a positive number of seconds, got '${raw}'`);
  return n;
}

const log = (msg) => process.stderr.write(`bench: ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One-line reason for a target that could not run, for the table. */
function reasonOf(err) {
  if (err instanceof ServiceStartError) return `${err.message}: ${err.lastLine}`.slice(0, 160);
  return (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 160);
}

/** Starts a target, samples it idle, then loads it at each concurrency with a warm-up first. */
async function measure(name, start, results, samplers) {
  let target;
  try {
    log(`${name}: starting`);
    target = await start();
    const probe = await waitForOk(target.url);
    if (probe.body !== HELLO_BODY)
      log(`${name}: WARNING body ${JSON.stringify(probe.body)} differs from the baseline's ${HELLO_BODY}`);
  } catch (err) {
    log(`${name}: not available: ${err instanceof Error ? err.message : err}`);
    if (err instanceof ServiceStartError)
      log(`${name}: its output ended with:\n${stripAnsi(err.output).slice(-2000)}`);
    if (target) await target.stop();
    for (const c of CONCURRENCIES) results.push({ target: name, c, unavailable: reasonOf(err) });
    return;
  }
  const sampler = new RssSampler();
  samplers.push(sampler);
  for (const root of target.roots) sampler.track(root.label, root.pid);
  try {
    sampler.start();
    await sleep(IDLE_SAMPLE_MS);
    sampler.setPhase('load');
    for (const c of CONCURRENCIES) {
      log(`${name}: c=${c} warm-up ${WARMUP}s`);
      await runLoad({ url: target.url, connections: c, durationSec: WARMUP });
      log(`${name}: c=${c} measuring ${DURATION}s`);
      const r = await runLoad({ url: target.url, connections: c, durationSec: DURATION });
      results.push({ target: name, c, ...r });
    }
  } finally {
    sampler.stop();
    await target.stop();
  }
}

/** The 1-minute load average: other work on the machine skews every number, so the report shows it. */
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];

async function main() {
  installCleanupHandlers();
  const loadBefore = loadAverage();
  const results = [];
  const samplers = [];
  await measure('baseline', startBaseline, results, samplers);
  // One row per sandbox engine in the same run, so their cost compares (isolated-vm is the default).
  await measure('standalone', () => startStandalone('isolated-vm'), results, samplers);
  await measure('standalone vm2', () => startStandalone('vm2'), results, samplers);
  const missing = clusterUnavailable();
  if (missing) {
    for (const c of CONCURRENCIES)
      results.push({ target: 'cluster', c, unavailable: `cluster entry points not available: ${missing}` });
  } else {
    await measure('cluster', () => startCluster(REDIS_URL), results, samplers);
    for (const r of results)
      if (r.target === 'cluster' && r.unavailable)
        r.unavailable = `cluster entry points not available: ${r.unavailable}`;
  }

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const out = [
    '',
    `Portico bench — ${new Date().toISOString()} — node ${process.version}, ${cpus().length} cores (${cpu})`,
    `hello endpoint (${HELLO_BODY}), GET, keep-alive; warm-up ${WARMUP}s then ${DURATION}s measured per row.`,
    "'standalone' runs the default sandbox engine (isolated-vm), 'standalone vm2' the same with SANDBOX_ENGINE=vm2.",
    'NOTE: autocannon runs inside this bench process on the same machine: it competes with the target',
    'for the same CPU cores, so absolute numbers are lower than with a separate load machine.',
    `1-min load average before the run ${loadBefore}, after ${loadAverage()} (anything else running skews the numbers).`,
    '',
    renderResults(results),
    '',
    'Peak RSS per process (idle = after start-up and one request, before load; load = during warm-up and runs):',
    renderRss(samplers.flatMap((s) => s.report())),
    '',
    'Goals (DESIGN.md "Performance budget"; reported, not asserted):',
    renderGoals(results),
    '',
  ];
  process.stdout.write(out.join('\n'));
}

main()
  .catch((err) => {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : err}`);
    process.exitCode = 1;
  })
  .finally(() => cleanupAll());
