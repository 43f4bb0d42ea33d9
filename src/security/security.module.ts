import { Global, Module } from '@nestjs/common';
import { LoginRateLimitGuard } from './login-rate-limit.guard';
import { RateLimitRepository } from './rate-limit.repository';

// Global so any controller can use the login guard or count its own attempts (RateLimitRepository.hit).
@Global()
@Module({
  providers: [RateLimitRepository, LoginRateLimitGuard],
  exports: [RateLimitRepository, LoginRateLimitGuard],
})
export class SecurityModule {}
