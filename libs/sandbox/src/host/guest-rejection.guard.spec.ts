import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

/**
 * The guard in a real child process: Node's default for an unhandled rejection is to end the
 * process, which under vm2 a guest could trigger at will.
 */
const GUARD = join(__dirname, 'guest-rejection.guard.ts');

function runChild(script: string): { status: number | null; stdout: string; stderr: string } {
  const child = spawnSync(
    process.execPath,
    ['--require', require.resolve('@swc-node/register'), '-e', script],
    { cwd: resolve(__dirname, '../../../..'), encoding: 'utf8', env: {} },
  );
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

const LATE_REJECTION = `
  (async () => { for (let i = 0; i < 100; i++) await null; throw new Error("late"); })();
  Promise.reject(new Error("at once"));
  setTimeout(() => { process.stdout.write("still alive"); process.exit(0); }, 50);
`;

describe('installGuestRejectionGuard', () => {
  it('keeps the process alive through unhandled rejections, which otherwise end it', () => {
    const unguarded = runChild(LATE_REJECTION);
    expect(unguarded.status).not.toBe(0);
    expect(unguarded.stdout).toBe('');

    const guarded = runChild(
      `require(${JSON.stringify(GUARD)}).installGuestRejectionGuard();\n${LATE_REJECTION}`,
    );
    expect(guarded).toMatchObject({ status: 0, stdout: 'still alive', stderr: '' });
  }, 30_000);

  it('ends the process with one line and code 70 on an uncaught exception', () => {
    const r = runChild(
      `require(${JSON.stringify(GUARD)}).installGuestRejectionGuard();\nsetTimeout(() => { throw new Error("host bug"); }, 10);`,
    );
    expect(r.status).toBe(70);
    expect(r.stderr).toBe('sandbox host: uncaught exception: host bug\n');
  }, 30_000);
});
