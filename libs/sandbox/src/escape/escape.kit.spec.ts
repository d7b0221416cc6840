import { runInNewContext } from 'node:vm';
import { ESCAPE_KIT, plantCanary, type Canary } from './testing/escape.fixtures';

/**
 * Positive control for the suite's detector: in a sandbox that DOES leak host objects (plain
 * `node:vm` with `process` and `require` handed in), the escape kit must find them and loot the
 * canary. Without this, "found nothing" in the real suite could mean a blind detector.
 */
describe('escape kit (positive control)', () => {
  let canary: Canary;
  beforeAll(() => (canary = plantCanary()));
  afterAll(() => canary.dispose());

  const runKit = (code: string, sandbox: Record<string, unknown>): string[] =>
    runInNewContext(
      `${ESCAPE_KIT}\n__canaryFile = ${JSON.stringify(canary.file)};\n${code}\n__found`,
      sandbox,
    ) as string[];

  it('loots the environment through a leaked process object', () => {
    const found = runKit('__probe("leak", leaked);', { leaked: process });
    expect(found[0]).toBe('leak');
    expect(found.join('\n')).toContain(canary.envValue);
  });

  it('loots the canary file through a leaked require', () => {
    const found = runKit('__probe("leak", { require: leaked });', { leaked: require });
    expect(found.join('\n')).toContain(canary.fileValue);
  });

  it('walks a host object constructor chain to the host realm', () => {
    // The classic vm escape: a host object's constructor chain yields the host Function.
    const found = runKit('__chain("hostObject", leaked);', { leaked: {} });
    expect(found.some((f) => f.startsWith('hostObject:process@'))).toBe(true);
    expect(found.join('\n')).toContain(canary.envValue);
  });

  it('finds nothing on an object of the sandbox itself', () => {
    expect(runKit('__chain("own", {}); __chain("fn", function () {});', {})).toEqual([]);
  });
});
