import { Registry } from 'prom-client';
import { GatewayMetrics } from './gateway.metrics';

/** The value of one sample line of the exposition text, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GatewayMetrics', () => {
  let registry: Registry;
  let metrics: GatewayMetrics;
  beforeEach(() => {
    registry = new Registry();
    metrics = GatewayMetrics.on(registry);
  });

  it('counts requests per app, method and status class, and fills the duration histogram', async () => {
    metrics.record('shop-abcde', 'GET', 200, 0.002);
    metrics.record('shop-abcde', 'GET', 204, 0.0004);
    metrics.record('shop-abcde', 'GET', 404, 0.003);
    metrics.record('shop-abcde', 'POST', 503, 0.2);
    const text = await registry.metrics();
    const get2xx = 'app="shop-abcde",method="GET",status_class="2xx"';
    expect(sample(text, `portico_gateway_requests_total{${get2xx}}`)).toBe(2);
    expect(
      sample(text, 'portico_gateway_requests_total{app="shop-abcde",method="GET",status_class="4xx"}'),
    ).toBe(1);
    expect(
      sample(text, 'portico_gateway_requests_total{app="shop-abcde",method="POST",status_class="5xx"}'),
    ).toBe(1);
    expect(sample(text, `portico_gateway_request_duration_seconds_count{${get2xx}}`)).toBe(2);
    expect(sample(text, `portico_gateway_request_duration_seconds_bucket{${get2xx},le="0.0005"}`)).toBe(1);
    expect(sample(text, `portico_gateway_request_duration_seconds_bucket{${get2xx},le="0.0025"}`)).toBe(2);
    expect(sample(text, `portico_gateway_request_duration_seconds_sum{${get2xx}}`)).toBeCloseTo(0.0024, 6);
  });

  it('puts every request for no known app under one `unknown` series, and odd methods under `other`', async () => {
    for (let i = 0; i < 50; i++) metrics.record(undefined, 'GET', 404, 0.001);
    metrics.record(undefined, 'PROPFIND', 404, 0.001);
    metrics.record('a-abcde', 'GET', 99, 0.001); // outside 100–599 ⇒ 5xx
    const text = await registry.metrics();
    expect(
      sample(text, 'portico_gateway_requests_total{app="unknown",method="GET",status_class="4xx"}'),
    ).toBe(50);
    expect(
      sample(text, 'portico_gateway_requests_total{app="unknown",method="other",status_class="4xx"}'),
    ).toBe(1);
    expect(
      sample(text, 'portico_gateway_requests_total{app="a-abcde",method="GET",status_class="5xx"}'),
    ).toBe(1);
    const seriesLines = text.split('\n').filter((l) => l.startsWith('portico_gateway_requests_total{'));
    expect(seriesLines).toHaveLength(3);
  });

  it('forgets a deleted app, leaving the others', async () => {
    metrics.record('gone-abcde', 'GET', 200, 0.001);
    metrics.record('gone-abcde', 'PUT', 500, 0.001);
    metrics.record('kept-abcde', 'GET', 200, 0.001);
    metrics.forgetApp('gone-abcde');
    metrics.forgetApp('never-abcde');
    const text = await registry.metrics();
    expect(text).not.toContain('gone-abcde');
    expect(
      sample(text, 'portico_gateway_requests_total{app="kept-abcde",method="GET",status_class="2xx"}'),
    ).toBe(1);
  });

  it('is one recorder per registry (prom-client refuses a metric registered twice)', () => {
    expect(GatewayMetrics.on(registry)).toBe(metrics);
    expect(GatewayMetrics.on(new Registry())).not.toBe(metrics);
  });
});
