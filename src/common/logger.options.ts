import { Params } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config';

// JSON logs for operators; quiet in tests (the level comes from the config). Session cookies and passwords never reach the log.
export function loggerOptions(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
      autoLogging: { ignore: (req) => req.url === '/health' || (req.url ?? '').startsWith('/static') },
    },
  };
}
