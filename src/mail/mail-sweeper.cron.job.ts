import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { MailService } from './mail.service';

// Safety net for "no promised email is lost": re-queues deliveries whose job never ran.
@Injectable()
export class MailSweeperCronJob {
  private readonly logger = new Logger(MailSweeperCronJob.name);
  constructor(private readonly mail: MailService) {}

  @Interval(60_000)
  async sweep(): Promise<void> {
    try {
      await this.mail.redispatchStranded();
    } catch (err) {
      this.logger.warn(`Mail sweep failed: ${(err as Error).message}`);
    }
  }
}
