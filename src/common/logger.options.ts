import { Params } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config';

// Routes whose query string may carry credentials or tokens (a mistaken client, a confirmation link).
const AUTH_PATHS = /^\/(api\/auth\b|anmelden|abmelden|registrieren|bestaetigen)/;

interface LoggedRequest {
  url?: string;
  query?: unknown;
  [key: string]: unknown;
}

/** Keeps the path of auth routes in the log but not their query string (nor its parsed form). */
export function redactAuthQuery(req: LoggedRequest): LoggedRequest {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  if (q < 0 || !AUTH_PATHS.test(url)) return req;
  return { ...req, url: `${url.slice(0, q)}?[redacted]`, query: '[redacted]' };
}

/** What a request log line says of the request: no headers at all (so no cookie or authorization to redact). */
export function requestLogFields(req: LoggedRequest & { headers?: Record<string, unknown> }): LoggedRequest {
  return redactAuthQuery({
    id: req.id,
    method: req.method,
    url: req.url,
    remoteAddress: req.remoteAddress,
    userAgent: req.headers?.['user-agent'],
  });
}

// JSON logs for operators; quiet in tests (the level comes from the config). Session cookies, passwords and auth
// query strings never reach the log: requests and responses are logged without their headers. (Copying and
// redacting every header was a sixth of a signed-in API request's CPU, issue 29.)
export function loggerOptions(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      serializers: { req: requestLogFields, res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }) },
      autoLogging: { ignore: (req) => req.url === '/health' || (req.url ?? '').startsWith('/static') },
    },
  };
}
