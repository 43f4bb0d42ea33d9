import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { RecomputeTrigger } from '../queue/recompute-trigger.service';
import { randomBytes } from 'node:crypto';
import { hashPassword, verifyPassword } from './password.util';
import { sessionCache } from './session-cache';
import type { SessionUser } from './session-user';
import { UserRepository } from './user.repository';

@Injectable()
export class AuthService {
  // Verified against when the email is unknown, so response time does not reveal which emails exist (same cost as real ones).
  private readonly dummyHash: Promise<string>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly users: UserRepository,
    private readonly audit: AuditRepository,
    private readonly recompute: RecomputeTrigger,
  ) {
    this.dummyHash = hashPassword(randomBytes(16).toString('hex'), config.passwordHash);
  }

  async validate(email: string, password: string): Promise<SessionUser> {
    const user = await this.users.findWithHashByEmail(email.trim());
    const ok = await verifyPassword(user?.passwordHash ?? (await this.dummyHash), password);
    if (!user || !ok) {
      throw new DomainError(
        HttpStatus.UNAUTHORIZED,
        'invalid_credentials',
        'Email or password is wrong',
        'E-Mail-Adresse oder Passwort ist falsch.',
      );
    }
    if (!user.emailConfirmedAt) {
      throw new DomainError(
        HttpStatus.FORBIDDEN,
        'email_not_confirmed',
        'Please confirm your email address first',
        'Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse über den Link in unserer E-Mail. Keine E-Mail erhalten? Unter „Bestätigungsmail erneut senden“ erhalten Sie einen neuen Link.',
      );
    }
    if (user.townId && (await this.users.townStatusOf(user.id)) === 'rejected') throw registrationRejected();
    await this.recordSignIn(user.id, user.townId);
    return toSessionUser(user);
  }

  /** The sign-in time (silence and dormancy rules, issue 23); a town paused for dormancy takes part again at once. */
  private async recordSignIn(userId: string, townId: string | null): Promise<void> {
    const lifted = await this.users.transaction(async (m) => {
      if (!(await this.users.recordSignIn(m, userId, townId))) return false;
      await this.audit.write(m, { actorId: userId, action: 'town.dormancy_lifted', subjectType: 'town', subjectId: townId! });
      return true;
    });
    if (lifted) await this.recompute.request('resumed');
  }

  /**
   * Read for every signed-in request (one query, or the process's short-lived cache: see session-cache.ts): a deleted
   * account or a contact whose application was rejected no longer has a session.
   */
  async load(id: string): Promise<SessionUser | null> {
    const cached = sessionCache.getUser(id);
    if (cached) return cached;
    const user = await this.users.findSessionUser(id);
    if (!user || user.deleted) return null;
    if (user.townId && user.townStatus === 'rejected') return null;
    const loaded = toSessionUser(user);
    sessionCache.putUser(loaded);
    return loaded;
  }
}

const registrationRejected = () =>
  new DomainError(
    HttpStatus.FORBIDDEN,
    'registration_rejected',
    'The registration of this town was rejected; the account cannot sign in',
    'Die Registrierung Ihrer Kommune wurde von der Geschäftsstelle abgelehnt. Eine Anmeldung ist nicht möglich.',
  );

const toSessionUser = (u: {
  id: string;
  email: string;
  role: SessionUser['role'];
  displayName: string;
  townId: string | null;
}): SessionUser => ({
  id: u.id,
  email: u.email,
  role: u.role,
  displayName: u.displayName,
  townId: u.townId,
});
