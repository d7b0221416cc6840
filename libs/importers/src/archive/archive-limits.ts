/**
 * Bounds of one uploaded archive, counted on the bytes actually decompressed (never on what a header
 * claims), so a zip bomb is stopped as soon as it crosses one of them, with bounded memory.
 */
export interface ArchiveLimits {
  /** Most entries (files and folders). Default 20,000. */
  maxEntries: number;
  /** Largest single file once decompressed. Default 20 MB. */
  maxFileBytes: number;
  /** Largest sum of all files once decompressed. Default 100 MB. */
  maxTotalBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 20_000,
  maxFileBytes: 20 * 1024 * 1024,
  maxTotalBytes: 100 * 1024 * 1024,
};
