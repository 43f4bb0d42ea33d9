import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { QueueName } from './job-payloads';
import { upsertSchedules } from './job-scheduler.util';
import { schedules } from './schedules';

/**
 * The worker's one place that sets up the timers (schedules.ts): at every worker start each queue's schedulers are
 * upserted under their fixed ids, so deploys and several workers never add a second one. Each queue is retried on
 * its own while it is not reachable.
 */
@Injectable()
export class JobSchedulers implements OnApplicationBootstrap {
  private readonly logger = new Logger(JobSchedulers.name);

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const all = Object.entries(schedules(this.config)) as [QueueName, ReturnType<typeof schedules>[QueueName]][];
    // All queues side by side: one that is slow to answer holds up no other.
    await Promise.all(
      all
        .filter(([, specs]) => specs.length > 0)
        .map(([name, specs]) => upsertSchedules(this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }), specs, this.logger)),
    );
  }
}
