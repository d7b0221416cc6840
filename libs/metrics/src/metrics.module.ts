import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';

/** Adds `GET /metrics` (the process's registry) to a Nest HTTP application. */
@Module({ controllers: [MetricsController] })
export class MetricsModule {}
