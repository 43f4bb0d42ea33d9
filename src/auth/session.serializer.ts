import { Injectable } from '@nestjs/common';
import { PassportSerializer } from '@nestjs/passport';
import { AuthService } from './auth.service';
import type { SessionUser } from './session-user';

// Only the id lives in the session; role and town are re-read so a changed role applies at once.
@Injectable()
export class SessionSerializer extends PassportSerializer {
  constructor(private readonly auth: AuthService) {
    super();
  }

  serializeUser(user: SessionUser, done: (err: unknown, id?: string) => void) {
    done(null, user.id);
  }

  deserializeUser(id: string, done: (err: unknown, user?: SessionUser | false) => void) {
    this.auth.load(id).then(
      (u) => done(null, u ?? false),
      (err) => done(err),
    );
  }
}
