import { ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { DomainError } from '../common/domain-error';

// Runs the local strategy and starts the session (passport 0.7 regenerates the session id on logIn).
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const ok = (await super.canActivate(context)) as boolean;
    await super.logIn(context.switchToHttp().getRequest());
    return ok;
  }

  // Keep our DomainError (English for the API, German for pages) instead of a bare 401.
  handleRequest<T>(err: unknown, user: T): T {
    if (err instanceof Error) throw err;
    if (err) throw new Error('login failed');
    if (!user) {
      throw new DomainError(HttpStatus.BAD_REQUEST, 'missing_credentials', 'email and password are required',
        'Bitte geben Sie E-Mail-Adresse und Passwort ein.');
    }
    return user;
  }
}
