import { Counter, Histogram, Registry } from 'prom-client';
import { CellCounter, CellHistogram } from './cell-metrics';

/** Sample lines with their labels sorted, so two expositions compare whatever the label order. */
function normalized(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('# HELP'))
    .map((line) => {
      const m = /^([^{ ]+)(?:\{(.*)\})? (.*)$/.exec(line);
      if (!m || line.startsWith('#')) return line;
      const labels = (m[2] ?? '').split(',').filter(Boolean).sort().join(',');
      return `${m[1]}{${labels}} ${m[3]}`;
    })
    .sort();
}

describe('CellCounter and CellHistogram', () => {
  it("expose exactly what prom-client's Counter and Histogram expose for the same observations", async () => {
    const buckets = [0.001, 0.01, 0.1, 1];
    const observations: [string, string, number][] = [
      ['a', 'GET', 0.0004],
      ['a', 'GET', 0.001],
      ['a', 'GET', 0.05],
      ['a', 'POST', 2.5],
      ['b', 'GET', 0.2],
    ];
    const ours = new Registry();
    const theirs = new Registry();
    for (const registry of [ours, theirs]) registry.setDefaultLabels({ service: 'gateway' });
    const labelNames = ['app', 'method'];
    const cellCounter = new CellCounter({ name: 'x_total', help: 'h', labelNames, registers: [ours] });
    const cellHistogram = new CellHistogram({
      name: 'x_seconds',
      help: 'h',
      labelNames,
      buckets,
      registers: [ours],
    });
    const counter = new Counter({ name: 'x_total', help: 'h', labelNames, registers: [theirs] });
    const histogram = new Histogram({
      name: 'x_seconds',
      help: 'h',
      labelNames,
      buckets,
      registers: [theirs],
    });
    for (const [app, method, value] of observations) {
      cellCounter.cell(app, method).inc();
      cellHistogram.cell(app, method).observe(value);
      counter.labels(app, method).inc();
      histogram.labels(app, method).observe(value);
    }
    expect(normalized(await ours.metrics())).toEqual(normalized(await theirs.metrics()));
    expect(await ours.metrics()).toContain('# TYPE x_seconds histogram');
  });

  it('drops a removed label set, refuses the wrong number of labels, and resets with the registry', async () => {
    const registry = new Registry();
    const counter = new CellCounter({
      name: 'y_total',
      help: 'h',
      labelNames: ['app'],
      registers: [registry],
    });
    counter.cell('a').inc(2);
    counter.cell('b').inc();
    counter.remove('a');
    expect(await registry.metrics()).toContain('y_total{app="b"} 1');
    expect(await registry.metrics()).not.toContain('app="a"');
    expect(() => counter.cell()).toThrow(/takes 1 label/);
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('app="b"');
    expect(() => new CellCounter({ name: 'y_total', help: 'h', registers: [registry] })).toThrow(
      /already been registered/,
    );
  });
});
