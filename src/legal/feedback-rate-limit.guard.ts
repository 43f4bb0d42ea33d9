import { ClientHourlyLimitGuard } from '../security/client-hourly-limit.guard';

/** Feedback messages per client address and hour, as many as registrations (REGISTRATION_RATE_LIMIT). */
export const FeedbackRateLimitGuard = ClientHourlyLimitGuard({
  key: 'accessibility-feedback',
  code: 'too_many_feedback_messages',
  message: 'Too many messages from this address; please try again later',
  messageDe: 'Zu viele Nachrichten von diesem Anschluss. Bitte versuchen Sie es später erneut.',
});
