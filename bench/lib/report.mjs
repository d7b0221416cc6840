// Turns measurements into the printed report: the throughput/latency table, the RSS table and the
// goals from DESIGN "Performance budget", reported as PASS/MISS and never asserted.

/** The performance goals of DESIGN.md, checked against the measured rows. */
export const GOALS = [
  {
    text: 'standalone req/s ≥ 0.35 × baseline at c=50',
    target: 'standalone',
    c: 50,
    metric: 'ratio',
    max: false,
    limit: 0.35,
  },
  {
    text: 'cluster req/s ≥ 0.15 × baseline at c=50',
    target: 'cluster',
    c: 50,
    metric: 'ratio',
    max: false,
    limit: 0.15,
  },
  { text: 'cluster p50 ≤ 1 ms at c=1', target: 'cluster', c: 1, metric: 'p50', max: true, limit: 1 },
];

/**
 * Renders rows of cells as a left-aligned text table with a header rule. A row shorter than the header
 * lets its last cell run on over the columns it lacks (a note such as "n/a (why)"), so that cell does
 * not widen the column it starts in.
 */
export function renderTable(header, rows) {
  const fits = (r, i) => i < r.length && (r.length === header.length || i < r.length - 1);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.filter((r) => fits(r, i)).map((r) => String(r[i]).length)),
  );
  const line = (cells) =>
    cells
      .map((c, i) => String(c).padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const fixed = (n, digits) => (Number.isFinite(n) ? n.toFixed(digits) : '—');

/** Formats bytes as MiB with one decimal; '—' when the process was not seen in that phase. */
export const mib = (bytes) => (bytes === undefined ? '—' : `${(bytes / 1048576).toFixed(1)} MiB`);

/**
 * Adds the ratio to the baseline at the same concurrency to every measured row.
 * `results` is `[{target, c, rps, p50, p99, non2xx, errors, timeouts} | {target, c, unavailable}]`.
 */
export function withRatios(results) {
  const base = new Map(
    results.filter((r) => r.target === 'baseline' && !r.unavailable).map((r) => [r.c, r.rps]),
  );
  return results.map((r) =>
    r.unavailable ? r : { ...r, ratio: base.has(r.c) ? r.rps / base.get(r.c) : Number.NaN },
  );
}

/** The throughput/latency table; a non-2xx or error count other than 0 is flagged with `!!`. */
export function renderResults(results) {
  const rows = withRatios(results).map((r) => {
    if (r.unavailable) return [r.target, r.c, `n/a (${r.unavailable})`];
    const failures = r.non2xx + (r.errors ?? 0);
    const bad =
      failures === 0 ? '0' : `${r.non2xx} !! (+${r.errors ?? 0} errors, ${r.timeouts ?? 0} timeouts)`;
    return [
      r.target,
      r.c,
      Math.round(r.rps).toLocaleString('en-US'),
      fixed(r.p50, 3),
      fixed(r.p99, 3),
      fixed(r.ratio, 2),
      bad,
    ];
  });
  return renderTable(['target', 'conc', 'req/s', 'p50 ms', 'p99 ms', 'x baseline', 'non-2xx'], rows);
}

/** The RSS table: one row per process seen, with its idle and under-load peaks. */
export function renderRss(processes) {
  const rows = processes.map((p) => [p.label, p.pid, mib(p.idle), mib(p.load)]);
  return renderTable(['process', 'pid', 'idle peak', 'load peak'], rows);
}

/** Each goal as `PASS`, `MISS` or `n/a` with the measured value. */
export function evaluateGoals(results) {
  const rows = withRatios(results);
  return GOALS.map((g) => {
    const row = rows.find((r) => r.target === g.target && r.c === g.c);
    if (!row || row.unavailable) return { ...g, verdict: 'n/a', value: undefined };
    const value = row[g.metric];
    const ok =
      Number.isFinite(value) &&
      (g.max ? value <= g.limit : value >= g.limit) &&
      row.non2xx === 0 &&
      !row.errors;
    return { ...g, verdict: ok ? 'PASS' : 'MISS', value };
  });
}

export function renderGoals(results) {
  return evaluateGoals(results)
    .map((g) => {
      const measured =
        g.value === undefined ? 'not measured' : `measured ${fixed(g.value, g.metric === 'p50' ? 3 : 2)}`;
      return `  [${g.verdict.padEnd(4)}] ${g.text} (${measured})`;
    })
    .join('\n');
}
