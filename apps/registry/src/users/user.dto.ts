import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const CreateUserSchema = z.object({
  email: z.string().trim().min(3).max(256).includes('@'),
  password: z.string().min(6).max(128),
});
export class CreateUserDto extends createZodDto(CreateUserSchema) {}

export const UpdateUserSchema = z.object({ disabled: z.boolean() });
export class UpdateUserDto extends createZodDto(UpdateUserSchema) {}

/** A user as the admin API shows it: never its password hash. */
export const UserSchema = z.object({
  id: z.string(),
  type: z.enum(['normal', 'server']),
  disabled: z.boolean(),
  identities: z.array(z.object({ id: z.string(), provider_type: z.string() })),
  data: z.record(z.string(), z.unknown()),
  confirmed: z.boolean().optional(),
  created_at: z.string(),
});
export class UserDto extends createZodDto(UserSchema) {}
export type UserView = z.output<typeof UserSchema>;

export const RevokedSessionsSchema = z.object({ revoked: z.number().int() });
export class RevokedSessionsDto extends createZodDto(RevokedSessionsSchema) {}
