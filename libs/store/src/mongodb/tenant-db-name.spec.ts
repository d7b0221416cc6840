import { MAX_DB_NAME_BYTES, tenantDbName } from './tenant-db-name';

const FORBIDDEN = /[/\\. "$*<>:|?\0]/;

describe('tenantDbName', () => {
  it('spells plain lowercase names out as t_<appId>_<db>', () => {
    expect(tenantDbName('shop-abcde', 'orders')).toBe('t_shop-abcde_orders');
    expect(tenantDbName('shop-abcde', 'my_db-2')).toBe('t_shop-abcde_my_db-2');
  });

  it('hashes names that are too long, keeping a readable prefix, within 63 bytes', () => {
    const appId = `${'a'.repeat(63)}-abcde`;
    const name = tenantDbName(appId, 'orders');
    expect(name).toMatch(/^th_a+_[0-9a-f]{16}$/);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(MAX_DB_NAME_BYTES);
    const long = tenantDbName('shop-abcde', 'x'.repeat(60));
    expect(long).toMatch(/^th_shop-abcde_x+_[0-9a-f]{16}$/);
    expect(Buffer.byteLength(long)).toBe(MAX_DB_NAME_BYTES);
  });

  it('hashes names with characters MongoDB forbids or that differ only by case', () => {
    for (const db of ['Orders', 'ORDERS', 'a b', 'naïve', 'x*y', 'q?']) {
      const name = tenantDbName('shop-abcde', db);
      expect(name).toMatch(/^th_[a-z0-9_-]+_[0-9a-f]{16}$/);
      expect(name).not.toMatch(FORBIDDEN);
    }
    // MongoDB refuses names that differ only by case: these must differ by more.
    const variants = ['orders', 'Orders', 'ORDERS'].map((db) => tenantDbName('shop-abcde', db).toLowerCase());
    expect(new Set(variants).size).toBe(3);
  });

  it('never gives two apps, or two databases of one app, the same name', () => {
    const names = new Set<string>();
    const apps = [
      'a-abcde',
      'a-abcdf',
      'a_b-abcde',
      'ab-abcde',
      `${'z'.repeat(60)}-abcde`,
      `${'z'.repeat(60)}-abcdf`,
    ];
    const dbs = ['x', 'x_y', 'y', 'X', 'X_y', 'b-abcde_x', 'q'.repeat(63), `${'q'.repeat(62)}r`];
    for (const app of apps) for (const db of dbs) names.add(tenantDbName(app, db));
    expect(names.size).toBe(apps.length * dbs.length);
  });

  it('is stable: the same app and database always map to the same name', () => {
    expect(tenantDbName('shop-abcde', 'Orders')).toBe(tenantDbName('shop-abcde', 'Orders'));
  });
});
