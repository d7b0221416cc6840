/** An upload the safe readers refuse: `entry` is the offending path inside the archive, when there is one. */
export class ArchiveError extends Error {
  constructor(
    message: string,
    readonly entry?: string,
  ) {
    super(message);
    this.name = 'ArchiveError';
  }
}
