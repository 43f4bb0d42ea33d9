import { WorkerHost } from '@nestjs/bullmq';
import { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { wakeOnJobAdded } from './embedded-wake';

/**
 * A processor whose worker, in the embedded mode, starts on a job as soon as a process announces it
 * (embedded-wake.ts) instead of at its next poll. On the servers Redis wakes the worker itself; this does nothing.
 */
export abstract class WakeableWorkerHost extends WorkerHost implements OnApplicationBootstrap, OnModuleDestroy {
  private stopWaking?: () => void;

  onApplicationBootstrap(): void {
    // The queue is the worker's own (its @Processor), so it is named in one place.
    this.stopWaking = wakeOnJobAdded(() => this.worker);
  }

  onModuleDestroy(): void {
    this.stopWaking?.();
  }
}
