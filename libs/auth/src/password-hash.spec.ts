import { hashPassword, verifyPassword } from './password-hash';

describe('password hashing (scrypt)', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const stored = await hashPassword('correct horse');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(stored).not.toContain('correct horse');
    await expect(verifyPassword('correct horse', stored)).resolves.toBe(true);
    await expect(verifyPassword('correct horsE', stored)).resolves.toBe(false);
    await expect(verifyPassword('', stored)).resolves.toBe(false);
  });

  it('salts every hash, so equal passwords hash differently', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a).not.toBe(b);
    await expect(verifyPassword('same', b)).resolves.toBe(true);
  });

  it('treats malformed stored hashes as a mismatch, never an exception', async () => {
    for (const stored of [
      '',
      'plain',
      'scrypt$1$2$3$x',
      'bcrypt$16384$8$1$c2FsdA$aGFzaA',
      'scrypt$x$8$1$c2FsdA$aGFzaA',
      'scrypt$16384$8$1$c2FsdA$',
    ])
      await expect(verifyPassword('pw', stored)).resolves.toBe(false);
  });
});
