import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveAdminToken } from './admin-token';

describe('resolveAdminToken', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'portico-token-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('uses PORTICO_ADMIN_TOKEN when set and writes nothing', () => {
    expect(resolveAdminToken({ adminToken: 'configured-token-123', dataDir: join(root, 'd') })).toEqual({
      token: 'configured-token-123',
      generated: false,
    });
    expect(() => statSync(join(root, 'd'))).toThrow();
  });

  it('generates 32 random bytes once, stores them with mode 0600 in a new data dir, then reuses them', () => {
    const dataDir = join(root, 'nested', 'data');
    const first = resolveAdminToken({ adminToken: undefined, dataDir });
    expect(first.generated).toBe(true);
    expect(Buffer.from(first.token, 'base64url')).toHaveLength(32);
    const file = join(dataDir, 'admin-token');
    expect(readFileSync(file, 'utf8').trim()).toBe(first.token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(resolveAdminToken({ adminToken: undefined, dataDir })).toEqual({
      token: first.token,
      generated: false,
    });
  });

  it('reads a token written by an operator, ignoring surrounding whitespace', () => {
    writeFileSync(join(root, 'admin-token'), '  operator-token \n');
    expect(resolveAdminToken({ adminToken: undefined, dataDir: root })).toEqual({
      token: 'operator-token',
      generated: false,
    });
  });
});
