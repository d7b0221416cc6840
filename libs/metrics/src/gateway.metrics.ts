import type { Registry } from 'prom-client';
import { CellCounter, CellHistogram, type CounterCell, type HistogramCell } from './cell-metrics';
import { METHODS, methodIndex, STATUS_CLASSES, statusClassIndex, UNKNOWN_APP } from './metric-labels';
import { processMetricsRegistry, recorderFor } from './metrics-registry';

/** Request durations from about 0.5 ms (the gateway's own floor) to the longest function timeout. */
export const GATEWAY_DURATION_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

interface BoundSeries {
  count: CounterCell;
  duration: HistogramCell;
}

const SLOTS = METHODS.length * STATUS_CLASSES.length;
const recorders = new WeakMap<Registry, GatewayMetrics>();

/**
 * The data plane's request metrics, labelled by app, method and status class (never by route: routes
 * are unbounded). On the hot path one request costs a Map lookup and two pre-bound cells (see
 * `cell-metrics.ts`): an app's cells are created on its first request of a kind and kept, so the only
 * per-request work is a few additions. Series are bounded by the apps that exist (the caller
 * passes `undefined` for an app it does not know) times 8 methods times 5 classes.
 */
export class GatewayMetrics {
  private readonly requests: CellCounter;
  private readonly duration: CellHistogram;
  /** App id → pre-bound series, indexed by `methodIndex * 5 + statusClassIndex`. */
  private readonly bound = new Map<string, (BoundSeries | undefined)[]>();

  /** The recorder of `registry` (default: this process's), created once per registry. */
  static on(registry: Registry = processMetricsRegistry()): GatewayMetrics {
    return recorderFor(registry, recorders, (r) => new GatewayMetrics(r));
  }

  private constructor(registry: Registry) {
    this.requests = new CellCounter({
      name: 'portico_gateway_requests_total',
      help: 'Data-plane requests answered, by app (unknown for no known app), method and status class',
      labelNames: ['app', 'method', 'status_class'],
      registers: [registry],
    });
    this.duration = new CellHistogram({
      name: 'portico_gateway_request_duration_seconds',
      help: 'Time from the request reaching the gateway to its answer being handed to the socket',
      labelNames: ['app', 'method', 'status_class'],
      buckets: GATEWAY_DURATION_BUCKETS,
      registers: [registry],
    });
  }

  /**
   * Records one answered request. `appId` must be the id of an app that exists (else `undefined`),
   * `status` the status sent, `seconds` the time it took.
   */
  record(appId: string | undefined, method: string, status: number, seconds: number): void {
    const app = appId ?? UNKNOWN_APP;
    let slots = this.bound.get(app);
    if (slots === undefined) {
      slots = new Array<BoundSeries | undefined>(SLOTS);
      this.bound.set(app, slots);
    }
    const m = methodIndex(method);
    const c = statusClassIndex(status);
    const slot = m * STATUS_CLASSES.length + c;
    let series = slots[slot];
    if (series === undefined) {
      series = {
        count: this.requests.cell(app, METHODS[m], STATUS_CLASSES[c]),
        duration: this.duration.cell(app, METHODS[m], STATUS_CLASSES[c]),
      };
      slots[slot] = series;
    }
    series.count.inc();
    series.duration.observe(seconds);
  }

  /** Drops an app's series (the app was deleted), so deleted apps do not accumulate. */
  forgetApp(appId: string): void {
    const slots = this.bound.get(appId);
    if (slots === undefined) return;
    this.bound.delete(appId);
    slots.forEach((series, slot) => {
      if (series === undefined) return;
      const method = METHODS[Math.floor(slot / STATUS_CLASSES.length)];
      const statusClass = STATUS_CLASSES[slot % STATUS_CLASSES.length];
      this.requests.remove(appId, method, statusClass);
      this.duration.remove(appId, method, statusClass);
    });
  }
}
