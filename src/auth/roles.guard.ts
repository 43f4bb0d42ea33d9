import { CanActivate, ExecutionContext, ForbiddenException, Injectable, SetMetadata, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { Reflector } from '@nestjs/core';
import type { SessionUser } from './session-user';
import { UserRole } from './user-account.entity';

const ROLES_KEY = 'roles';
/** Routes with @Roles need a session; an empty list means any signed-in user. */
export const Roles = (...roles: UserRole[]) => SetMetadata(ROLES_KEY, roles);

@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (!roles) return true;
    const user = context.switchToHttp().getRequest<Request>().user as SessionUser | undefined;
    if (!user) throw new UnauthorizedException('Authentication required');
    if (roles.length && !roles.includes(user.role)) throw new ForbiddenException('You do not have the role required for this action');
    return true;
  }
}
