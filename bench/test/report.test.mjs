// Unit tests of the bench's pure helpers on fake data: table rendering, ratios, goal verdicts,
// quantiles. Run with `node --test bench/test/*.test.mjs` (plain ESM, outside the jest projects).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatencyRecorder, quantile } from '../lib/load.mjs';
import {
  evaluateGoals,
  mib,
  renderGoals,
  renderResults,
  renderRss,
  renderTable,
  withRatios,
} from '../lib/report.mjs';

const row = (target, c, rps, extra = {}) => ({
  target,
  c,
  rps,
  p50: 0.5,
  p99: 2,
  non2xx: 0,
  errors: 0,
  timeouts: 0,
  ...extra,
});

describe('renderTable', () => {
  it('pads columns to the widest cell and lets a short row run on', () => {
    const text = renderTable(
      ['a', 'bb', 'c'],
      [
        ['xxx', 'y', 'z'],
        ['q', 'n/a (a very long reason here)'],
      ],
    );
    const lines = text.split('\n');
    assert.equal(lines[0], 'a    bb  c');
    assert.equal(lines[1], '---  --  -');
    assert.equal(lines[2], 'xxx  y   z');
    assert.equal(lines[3], 'q    n/a (a very long reason here)');
  });
});

describe('withRatios', () => {
  it('divides req/s by the baseline at the same concurrency', () => {
    const rows = withRatios([
      row('baseline', 1, 1000),
      row('baseline', 50, 4000),
      row('standalone', 1, 250),
      row('standalone', 50, 2000),
    ]);
    assert.deepEqual(
      rows.map((r) => [r.target, r.c, r.ratio]),
      [
        ['baseline', 1, 1],
        ['baseline', 50, 1],
        ['standalone', 1, 0.25],
        ['standalone', 50, 0.5],
      ],
    );
  });

  it('gives NaN without a baseline and leaves unavailable rows alone', () => {
    const rows = withRatios([row('standalone', 1, 250), { target: 'cluster', c: 1, unavailable: 'why' }]);
    assert.ok(Number.isNaN(rows[0].ratio));
    assert.deepEqual(rows[1], { target: 'cluster', c: 1, unavailable: 'why' });
  });
});

describe('renderResults', () => {
  it('prints numbers, ratio, and flags non-2xx answers', () => {
    const text = renderResults([
      row('baseline', 50, 10000),
      row('standalone', 50, 4000, { non2xx: 3, errors: 1 }),
    ]);
    assert.match(text, /baseline\s+50\s+10,000\s+0\.500\s+2\.000\s+1\.00\s+0$/m);
    assert.match(text, /standalone\s+50\s+4,000\s+0\.500\s+2\.000\s+0\.40\s+3 !! \(\+1 errors, 0 timeouts\)/);
  });

  it('prints an unavailable target with its reason', () => {
    const text = renderResults([
      { target: 'cluster', c: 1, unavailable: 'cluster entry points not available: x' },
    ]);
    assert.match(text, /cluster\s+1\s+n\/a \(cluster entry points not available: x\)/);
  });
});

describe('goals', () => {
  it('passes and misses against the DESIGN limits', () => {
    const goals = evaluateGoals([
      row('baseline', 1, 10000),
      row('baseline', 50, 10000),
      row('standalone', 50, 3000),
      row('cluster', 50, 1600),
      row('cluster', 1, 900, { p50: 1.2 }),
    ]);
    assert.deepEqual(
      goals.map((g) => [g.target, g.verdict]),
      [
        ['standalone', 'MISS'],
        ['cluster', 'PASS'],
        ['cluster', 'MISS'],
      ],
    );
  });

  it('misses a goal whose run had non-2xx answers, and says n/a when not measured', () => {
    const results = [row('baseline', 50, 10000), row('standalone', 50, 9000, { non2xx: 1 })];
    const goals = evaluateGoals(results);
    assert.equal(goals[0].verdict, 'MISS');
    assert.equal(goals[1].verdict, 'n/a');
    assert.match(renderGoals(results), /\[n\/a \] cluster p50 ≤ 1 ms at c=1 \(not measured\)/);
  });
});

describe('renderRss', () => {
  it('prints idle and load peaks in MiB, a dash when not seen', () => {
    const text = renderRss([
      { label: 'standalone › sandbox host', pid: 42, idle: undefined, load: 3 * 1048576 },
    ]);
    assert.match(text, /standalone › sandbox host\s+42\s+—\s+3\.0 MiB/);
    assert.equal(mib(1572864), '1.5 MiB');
  });
});

describe('latency quantiles', () => {
  it('uses nearest rank on sorted values', () => {
    const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(quantile(sorted, 0.5), 50);
    assert.equal(quantile(sorted, 0.99), 99);
    assert.ok(Number.isNaN(quantile(new Float64Array(0), 0.5)));
  });

  it('keeps fractional milliseconds and grows past its initial size', () => {
    const rec = new LatencyRecorder(2);
    for (const v of [0.3, 0.1, 0.2, 5.5, 0.25]) rec.add(v);
    assert.deepEqual(rec.summary(), { count: 5, p50: 0.25, p99: 5.5 });
  });
});
