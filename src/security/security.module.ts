import { Global, Module } from '@nestjs/common';
import { AddressMailLimit } from './address-mail-limit';
import { LoginRateLimitGuard } from './login-rate-limit.guard';
import { RateLimitRepository } from './rate-limit.repository';

// Global so any controller can use the login guard or count its own attempts (RateLimitRepository.hit).
@Global()
@Module({
  providers: [RateLimitRepository, LoginRateLimitGuard, AddressMailLimit],
  exports: [RateLimitRepository, LoginRateLimitGuard, AddressMailLimit],
})
export class SecurityModule {}
