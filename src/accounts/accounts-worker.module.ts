import { Module } from '@nestjs/common';
import { ExpiredRegistrationsCronJob } from './expired-registrations.cron.job';
import { UserRepository } from '../auth/user.repository';

// The worker's part of accounts: timed clean-up only (no HTTP, no passport).
@Module({ providers: [UserRepository, ExpiredRegistrationsCronJob] })
export class AccountsWorkerModule {}
