export { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './archive/archive-limits';
export { ArchiveError } from './archive/archive.error';
export {
  detectArchive,
  readArchive,
  stripTopFolder,
  type ArchiveKind,
  type ReadArchiveOptions,
} from './archive/archive.reader';
export type { FileTree } from './archive/file-tree';
export {
  parseAtlasExport,
  NOT_AN_EXPORT,
  type AtlasExport,
  type ImportedSpec,
} from './atlas/atlas-export.parser';
export { expandDependencyArchives } from './atlas/dependency-archive';
export { webhookFunctionName, webhookSecretName } from './atlas/webhooks.parser';
export { listDirectory, packDirectory, packTree } from './archive/directory.packer';
