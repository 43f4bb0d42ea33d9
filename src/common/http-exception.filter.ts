import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { BUSY_MESSAGE_DE, isDatabaseBusy, respondBusy } from './database-busy';
import { DomainError } from './domain-error';

const GERMAN_BY_STATUS: Record<number, string> = {
  400: 'Die Anfrage ist ungültig.',
  401: 'Bitte melden Sie sich an.',
  403: 'Sie haben keine Berechtigung für diese Seite.',
  404: 'Die Seite wurde nicht gefunden.',
  409: 'Der Vorgang steht im Widerspruch zu vorhandenen Daten.',
  410: 'Dieser Link ist nicht mehr gültig.',
  429: 'Zu viele Versuche. Bitte warten Sie einen Moment und versuchen Sie es erneut.',
  500: 'Ein unerwarteter Fehler ist aufgetreten. Bitte versuchen Sie es später erneut.',
  503: BUSY_MESSAGE_DE,
};

/** API paths answer English JSON; page paths render a German error page (or redirect to login). */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpException');

  catch(exception: unknown, host: ArgumentsHost) {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    if (isDatabaseBusy(exception)) {
      this.logger.warn(`${req.method} ${req.path}: database busy (${(exception as Error).message})`);
      respondBusy(req, res);
      return;
    }
    const status = exception instanceof HttpException ? exception.getStatus() : HttpStatus.INTERNAL_SERVER_ERROR;
    if (status >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    if (res.headersSent) return;

    if (req.path.startsWith('/api') || req.path === '/health') {
      const body = exception instanceof HttpException ? exception.getResponse() : { statusCode: status, message: 'Internal server error' };
      res.status(status).json(typeof body === 'string' ? { statusCode: status, message: body } : body);
      return;
    }
    if (status === 401) {
      res.redirect(303, `/anmelden?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    const message = exception instanceof DomainError ? exception.messageDe : (GERMAN_BY_STATUS[status] ?? GERMAN_BY_STATUS[500]);
    res.status(status).render('error', { title: 'Fehler', status, message, user: req.user });
  }
}
