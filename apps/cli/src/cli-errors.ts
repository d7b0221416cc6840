/** Exit codes of `portico` (documented in its usage text). */
export const EXIT = { ok: 0, rejected: 1, usage: 2, unreachable: 3 } as const;

/** A failure the CLI explains in one line, exiting with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Wrong arguments: exit 2, followed by the usage text. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = 'UsageError';
  }
}
