import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const DeploymentSummarySchema = z.object({ version: z.number().int(), created_at: z.string() });
export class DeploymentSummaryDto extends createZodDto(DeploymentSummarySchema) {}
export type DeploymentSummary = z.output<typeof DeploymentSummarySchema>;
