/**
 * Installs the process-level guards a host needs when guest code runs in the host's own realm
 * (vm2): guest promises are host promises there, so a rejection the guest leaves unhandled reaches
 * `process` and would, by Node's default (`--unhandled-rejections=throw`), end the host and every
 * invocation in it. It is the guest's own business, as under isolated-vm, where it never leaves the
 * isolate: dropped, silently (logging it would let a tenant flood the platform's logs). The runtime
 * settles each invocation by itself, so nothing of it reaches the next invocation.
 *
 * An uncaught exception is not guest business (guest code has no timers or callbacks of the host
 * event loop): the host's state is unknown, so it reports one line and exits; the pool replaces it.
 */
export function installGuestRejectionGuard(target: NodeJS.Process = process): void {
  target.on('unhandledRejection', () => undefined);
  target.on('uncaughtException', (error) => {
    target.stderr.write(
      `sandbox host: uncaught exception: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    target.exit(70);
  });
}
