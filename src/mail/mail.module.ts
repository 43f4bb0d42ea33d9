import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailDelivery } from './mail-delivery.entity';
import { MailDeliveryRepository } from './mail-delivery.repository';
import { MailTransportRepository } from './mail-transport.repository';
import { MailService } from './mail.service';

@Module({
  imports: [TypeOrmModule.forFeature([MailDelivery])],
  providers: [MailService, MailDeliveryRepository, MailTransportRepository],
  exports: [MailService],
})
export class MailModule {}
