import { BundleRequestSchema, CurrentSnapshotRequestSchema } from '@portico/cluster';
import { createZodDto } from 'nestjs-zod';

/** `{appId}` of the current-snapshot request. */
export class CurrentSnapshotRequestDto extends createZodDto(CurrentSnapshotRequestSchema) {}

/** `{appId, version}` of the bundle request. */
export class BundleRequestDto extends createZodDto(BundleRequestSchema) {}
