import { Params } from 'nestjs-pino';

// JSON logs for operators; quiet in tests. Session cookies and passwords never reach the log.
export function loggerOptions(): Params {
  return {
    pinoHttp: {
      level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
      redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
      autoLogging: { ignore: (req) => req.url === '/health' || (req.url ?? '').startsWith('/static') },
    },
  };
}
