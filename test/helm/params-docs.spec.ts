import { readFileSync } from 'node:fs';
import {
  README_FILE,
  documentablePaths,
  formatDefault,
  loadValues,
  readParams,
  readmeRows,
  valueAt,
} from './support/chart';

/**
 * Every value is documented with a `## @param` line (bitnami readme-generator style) and the README's
 * parameters tables list exactly those, with the defaults of values.yaml.
 */
describe('helm/portico @param documentation', () => {
  const values = loadValues();
  const params = readParams();
  const documented = new Set(params.map((p) => p.path));

  it('reads the @param lines and their sections', () => {
    expect(params.length).toBeGreaterThan(100);
    expect(params.find((p) => p.path === 'workers.pools')).toMatchObject({
      section: expect.stringMatching(/^Worker parameters/),
    });
    expect(params.every((p) => p.section !== '' && p.description.length > 3)).toBe(true);
  });

  it('documents every value of values.yaml', () => {
    expect(documentablePaths(values, documented).filter((path) => !documented.has(path))).toEqual([]);
  });

  it('documents no value that values.yaml lacks, and none twice', () => {
    expect(
      params.filter((p) => valueAt(values, p.path) === undefined).map((p) => `${p.line}: ${p.path}`),
    ).toEqual([]);
    expect(params.map((p) => p.path).filter((path, i, all) => all.indexOf(path) !== i)).toEqual([]);
  });

  it('a @param on a map documents it as a whole; otherwise its keys need their own', () => {
    const sample = { a: { b: 1, c: { d: 2 } }, e: {}, f: [1] };
    expect(documentablePaths(sample, new Set())).toEqual(['a.b', 'a.c.d', 'e', 'f']);
    expect(documentablePaths(sample, new Set(['a.c']))).toEqual(['a.b', 'a.c', 'e', 'f']);
  });

  it('the README parameters tables list every @param, in order, with its description and default', () => {
    const rows = readmeRows(readFileSync(README_FILE, 'utf8'));
    expect(rows).toEqual(
      params.map((p) => ({
        name: p.path,
        description: p.description,
        value: formatDefault(valueAt(values, p.path)),
      })),
    );
  });
});
