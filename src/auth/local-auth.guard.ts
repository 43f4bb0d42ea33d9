import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '../common/domain-error';
import { AuthService } from './auth.service';
import { logIn } from './login.util';
import { PASSWORD_MAX } from './password.util';

/**
 * Email and password from the request body only, as strings. Never from the query string: a URL with a password
 * ends up in access logs, browser history and Referer headers (passport-local falls back to the query, so it is
 * not used here).
 */
export function credentialsFromBody(body: unknown): { email: string; password: string } {
  const b = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const { email, password } = b;
  if (
    typeof email !== 'string' ||
    typeof password !== 'string' ||
    !email.trim() ||
    !password ||
    email.length > 254 ||
    password.length > PASSWORD_MAX
  ) {
    throw new DomainError(
      HttpStatus.BAD_REQUEST,
      'missing_credentials',
      'email and password are required in the request body, as strings',
      'Bitte geben Sie E-Mail-Adresse und Passwort ein.',
    );
  }
  return { email: email.trim(), password };
}

// Checks the credentials and starts the session (passport 0.7 regenerates the session id on logIn).
@Injectable()
export class LocalAuthGuard implements CanActivate {
  constructor(private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const { email, password } = credentialsFromBody(req.body);
    await logIn(req, await this.auth.validate(email, password));
    return true;
  }
}
