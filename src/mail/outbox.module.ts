import { DynamicModule, Module } from '@nestjs/common';
import { appConfig } from '../config/app-config';
import { OutboxAccessGuard } from './outbox-access.guard';
import { OutboxPagesController } from './outbox.pages.controller';
import { OutboxRepository } from './outbox.repository';

@Module({})
export class OutboxModule {
  /** The outbox pages exist only when mail goes to the local outbox (embedded mode). */
  static whenEnabled(): DynamicModule {
    const enabled = appConfig().mailTransport.kind === 'outbox';
    return enabled
      ? { module: OutboxModule, controllers: [OutboxPagesController], providers: [OutboxRepository, OutboxAccessGuard] }
      : { module: OutboxModule };
  }
}
