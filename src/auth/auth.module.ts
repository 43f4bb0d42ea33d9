import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { AuthService } from './auth.service';
import { EmailToken } from './email-token.entity';
import { SessionSerializer } from './session.serializer';
import { UserAccount } from './user-account.entity';
import { UserRepository } from './user.repository';

/**
 * Sign-in: who is signed in. Sessions (passport), passwords, link tokens and the user accounts they belong to. It
 * depends on nothing above audit; the pages and flows around accounts (registration, invitations, contacts, personal
 * data, the address book) are the accounts module's (src/accounts/).
 */
@Module({
  imports: [TypeOrmModule.forFeature([UserAccount, EmailToken]), PassportModule.register({ session: true }), AuditModule],
  providers: [AuthService, UserRepository, SessionSerializer],
  exports: [UserRepository, AuthService],
})
export class AuthModule {}
