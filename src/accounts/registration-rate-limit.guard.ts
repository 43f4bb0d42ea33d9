import { ClientHourlyLimitGuard } from '../security/client-hourly-limit.guard';

/**
 * Registrations and password-reset requests per client address and hour (REGISTRATION_RATE_LIMIT): one counter for
 * the page and the API routes, in the PostgreSQL counters the login limit uses, so all web processes share it.
 */
export const RegistrationRateLimitGuard = ClientHourlyLimitGuard({
  key: 'registration',
  code: 'too_many_registrations',
  message: 'Too many registrations from this address; please try again later',
  messageDe: 'Zu viele Registrierungen von diesem Anschluss. Bitte versuchen Sie es später erneut.',
});
