// One autocannon run through its programmatic API. Latency is recorded from autocannon's per-response
// event (fractional milliseconds from process.hrtime) rather than from its own histogram, which keeps
// whole milliseconds only: the cluster goal (p50 ≤ 1 ms at c=1) needs sub-millisecond resolution.
import autocannon from 'autocannon';

/** The q-quantile (0..1) of a sorted array by nearest rank; NaN when empty. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/** A growable Float64Array: at ~100k req/s a plain array of numbers would churn the bench's own heap. */
export class LatencyRecorder {
  constructor(initial = 1 << 16) {
    this.values = new Float64Array(initial);
    this.length = 0;
  }

  add(ms) {
    if (this.length === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = ms;
  }

  summary() {
    const sorted = this.values.slice(0, this.length).sort();
    return { count: this.length, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
  }
}

/**
 * Drives `url` with `connections` keep-alive connections for `durationSec` seconds.
 * Returns requests per second (completed responses / elapsed), p50 and p99 latency in ms, the count
 * of non-2xx answers, connection errors and timeouts.
 */
export function runLoad({ url, connections, durationSec }) {
  return new Promise((resolve, reject) => {
    const latencies = new LatencyRecorder();
    let non2xx = 0;
    const instance = autocannon(
      { url, connections, duration: durationSec, pipelining: 1, timeout: 10 },
      (err, result) => {
        if (err) return reject(err);
        const { count, p50, p99 } = latencies.summary();
        resolve({
          rps: count / result.duration,
          p50,
          p99,
          non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          responses: count,
          durationSec: result.duration,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.add(responseTime);
      if (statusCode < 200 || statusCode >= 300) non2xx++;
    });
  });
}
