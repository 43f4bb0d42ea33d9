import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AuditRepository } from '../audit/audit.repository';
import { hashPassword } from '../auth/password.util';
import { UserRepository } from '../auth/user.repository';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

export interface OfficeUserInput {
  email: string;
  name: string;
  role: 'office' | 'admin';
  password?: string;
}

@Injectable()
export class OfficeUsersService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UserRepository,
    private readonly audit: AuditRepository,
  ) {}

  /** Creates a Geschäftsstelle (or admin) account, email confirmed; returns the password to hand over once. */
  async create(input: OfficeUserInput): Promise<{ id: string; password: string }> {
    const email = input.email.trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new Error(`Not a valid email address: ${input.email}`);
    if (!input.name.trim()) throw new Error('A name is required (--name "Anna Beispiel")');
    if (input.password !== undefined && input.password.length < 12) throw new Error('OFFICE_PASSWORD must be at least 12 characters long');
    const password = input.password ?? randomBytes(18).toString('base64url');
    const passwordHash = await hashPassword(password, this.config.passwordHash);
    return this.users.transaction(async (m) => {
      if (await this.users.emailExists(email, m)) throw new Error(`An account with the email ${email} already exists`);
      const id = await this.users.insertConfirmed(m, { email, passwordHash, role: input.role, displayName: input.name.trim() });
      await this.audit.write(m, {
        actorId: null,
        action: 'office_user.created',
        subjectType: 'user',
        subjectId: id,
        data: { role: input.role, via: 'command line' },
      });
      return { id, password };
    });
  }
}
