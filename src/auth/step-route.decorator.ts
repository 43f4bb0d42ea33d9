import { applyDecorators, HttpCode, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { Roles } from './roles.guard';
import type { UserRole } from './user-account.entity';

/**
 * An API step (publish, accept, cancel, send the round …): a POST that changes state and answers 200, as it creates
 * nothing; for the given roles (none: any signed-in account), documented by its summary.
 */
export const StepRoute = (path: string, roles: UserRole[], summary: string) =>
  applyDecorators(Post(path), HttpCode(200), Roles(...roles), ApiOperation({ summary }));
