import { APP_ID_PATTERN } from '@portico/contracts';
import { generateAppId, slugifyAppName } from './app-id';

describe('app ids', () => {
  it.each([
    ['hello', 'hello'],
    ['My_App', 'my-app'],
    ['__x__y__', 'x-y'],
    ['---', 'app'],
    ['A'.repeat(64), 'a'.repeat(63)],
  ])('slugifies %s as %s', (name, slug) => {
    expect(slugifyAppName(name)).toBe(slug);
  });

  it('is <slug>-<5 lowercase letters> and matches APP_ID_PATTERN for any valid name', () => {
    for (const name of ['hello', 'My_App', '-', '_9', 'Z'.repeat(64), `${'a'.repeat(62)}_b`]) {
      const id = generateAppId(name);
      expect(id).toMatch(APP_ID_PATTERN);
      expect(id).toMatch(new RegExp(`^${slugifyAppName(name)}-[a-z]{5}$`));
    }
  });

  it('draws a new suffix each time', () => {
    const ids = new Set(Array.from({ length: 50 }, () => generateAppId('x')));
    expect(ids.size).toBeGreaterThan(45);
  });
});
