import { jsonErrorOffset } from './json-error-offset';

describe('jsonErrorOffset', () => {
  it('finds the first bad character, including the errors V8 gives no position for', () => {
    const cases: [string, number][] = [
      ['[1, 2,]', 6],
      ['{"a": 1,,}', 8],
      ['{"a" 1}', 5],
      ['{"a": tru}', 6],
      ['{"a": "x\n"}', 8],
      ['{"a": 01}', 7],
      ['[1] x', 4],
      ['{"a": [1', 8],
    ];
    for (const [text, offset] of cases) {
      expect(() => JSON.parse(text)).toThrow();
      expect([text, jsonErrorOffset(text)]).toEqual([text, offset]);
    }
  });

  it('finds nothing in valid JSON', () => {
    for (const text of ['{}', ' [1, -2.5e3, "\\u00e9\\n", true, false, null, {"a": {"b": []}}] '])
      expect(jsonErrorOffset(text)).toBeUndefined();
  });
});
