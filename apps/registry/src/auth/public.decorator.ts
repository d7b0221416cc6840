import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'portico:registry:public';

/** Marks a route that answers without the admin token (only `/healthz`). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
