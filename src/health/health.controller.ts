import { Controller, Get, Inject, OnModuleDestroy } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import Redis from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

@ApiTags('health')
@SkipThrottle()
@Controller('health')
export class HealthController implements OnModuleDestroy {
  private redis?: Redis;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicator: HealthIndicatorService,
  ) {}

  /**
   * 200 when PostgreSQL and the queue store answer, 503 otherwise; also says which mode runs and which process
   * answered (several web processes share the port: the pid tells them apart).
   */
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.db.pingCheck('postgres', { timeout: 2000 }),
      () => this.queueStore(),
      () =>
        this.indicator
          .check('mode')
          .up({ mode: this.config.mode, queueBackend: this.config.queueBackend, mail: this.config.mailTransport.kind, pid: process.pid }),
    ]);
  }

  private async queueStore() {
    // Embedded mode has no Redis: the queue lives in PostgreSQL, so report it under its own name.
    if (!this.config.redisUrl) return this.indicator.check('queue').up({ backend: 'postgres' });
    const check = this.indicator.check('redis');
    this.redis ??= new Redis(this.config.redisUrl, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectTimeout: 2000,
    });
    try {
      if (this.redis.status === 'wait' || this.redis.status === 'end') await this.redis.connect().catch(() => undefined);
      const pong: string = await Promise.race([
        this.redis.ping(),
        new Promise<never>((_, rej) => setTimeout(() => rej(new Error('timeout')), 2000)),
      ]);
      return pong === 'PONG' ? check.up() : check.down({ message: `unexpected reply ${pong}` });
    } catch (err) {
      return check.down({ message: (err as Error).message });
    }
  }

  onModuleDestroy() {
    this.redis?.disconnect();
  }
}
