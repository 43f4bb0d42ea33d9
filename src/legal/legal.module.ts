import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module';
import { AccessibilityFeedbackRepository } from './accessibility-feedback.repository';
import { AccessibilityFeedbackService } from './accessibility-feedback.service';
import { FeedbackRateLimitGuard } from './feedback-rate-limit.guard';
import { LegalPagesController } from './legal.pages.controller';
import { LegalTextService } from './legal-text.service';

@Module({
  imports: [MailModule],
  controllers: [LegalPagesController],
  providers: [LegalTextService, AccessibilityFeedbackRepository, AccessibilityFeedbackService, FeedbackRateLimitGuard],
})
export class LegalModule {}
