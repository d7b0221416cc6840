import { readFileSync } from 'node:fs';
import {
  README_FILE,
  checkParams,
  expectedRows,
  flattenValues,
  loadValues,
  parseParams,
  parseYaml,
  readParams,
  readmeRows,
} from './support/chart';

/**
 * Every value is documented with a `## @param` line (the rules of bitnami's readme-generator-for-helm)
 * and the README's parameters tables list exactly those, with the defaults of values.yaml.
 */
describe('helm/portico @param documentation', () => {
  const values = loadValues();
  const params = readParams();

  describe('the checker itself, on a small values file', () => {
    const text = `
## @section One
## @param a.b A scalar
a:
  b: 1
  c: {}
## @extra list A list of maps
list:
  ## @param list[0].name First item
  - name: x
## @param strings [default: x] Strings are one value
strings: [x, y]
## @param whole [object] Documented as a whole
whole: {k: v}
## @param gone Nothing has this name
`;
    const sample = parseYaml(text);
    const sampleParams = parseParams(text);

    it('reads the tags, modifiers and descriptions', () => {
      expect(sampleParams.map((p) => [p.kind, p.path, p.modifiers, p.description, p.section])).toEqual([
        ['param', 'a.b', [], 'A scalar', 'One'],
        ['extra', 'list', [], 'A list of maps', 'One'],
        ['param', 'list[0].name', [], 'First item', 'One'],
        ['param', 'strings', ['default: x'], 'Strings are one value', 'One'],
        ['param', 'whole', ['object'], 'Documented as a whole', 'One'],
        ['param', 'gone', [], 'Nothing has this name', 'One'],
      ]);
    });

    it('walks maps and lists down to values, keeping lists of strings whole', () => {
      expect(flattenValues(sample)).toEqual(['a.b', 'a.c', 'list[0].name', 'strings', 'whole.k']);
    });

    it('reports the undocumented value and the unknown @param; a modifier covers the children', () => {
      expect(checkParams(sample, sampleParams)).toEqual({ missing: ['a.c'], unknown: ['gone'] });
    });
  });

  it('reads the @param lines and their sections', () => {
    expect(params.length).toBeGreaterThan(100);
    expect(params.find((p) => p.path === 'workers.pools[0].name')).toMatchObject({
      kind: 'param',
      section: expect.stringMatching(/^Worker parameters/),
    });
    expect(params.every((p) => p.section !== '' && p.description.length > 3)).toBe(true);
  });

  it('documents every value of values.yaml and nothing else', () => {
    expect(checkParams(values, params)).toEqual({ missing: [], unknown: [] });
  });

  it('documents no value twice', () => {
    const paths = params.map((p) => p.path);
    expect(paths.filter((path, i) => paths.indexOf(path) !== i)).toEqual([]);
  });

  it('the README parameters tables list every @param, in order, with its description and default', () => {
    const rows = readmeRows(readFileSync(README_FILE, 'utf8'));
    expect(rows).toEqual(expectedRows(values, params).map(({ section: _section, ...row }) => row));
    for (const p of params.filter((x) => x.kind === 'param'))
      expect(rows.map((r) => r.name)).toContain(p.path);
  });
});
