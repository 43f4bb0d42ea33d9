import { Logger, ValidationPipe } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { join } from 'node:path';
import passport from 'passport';
import { Pool } from 'pg';
import { createSessionStore } from './auth/session-store';
import { isOffice, type SessionUser } from './auth/session-user';
import { TEMPLATES_DIR } from './common/paths';
import { APP_CONFIG, type AppConfig } from './config/app-config';
import { registerViewHelpers } from './common/view-helpers';

/** Everything the HTTP app needs besides its modules; shared by main.ts and the e2e tests. */
export function setupApp(app: NestExpressApplication): { close: () => Promise<void> } {
  const config = app.get<AppConfig>(APP_CONFIG);
  app.set('trust proxy', 1);
  app.use(helmet({ contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:'] } } }));

  const sessionPool = new Pool({ connectionString: config.databaseUrl, max: 4 });
  // An idle client dropped by the server (restart, failover) must not crash the process; the pool reconnects.
  sessionPool.on('error', (err) => new Logger('SessionStore').warn(`Session store connection lost: ${err.message}`));
  app.use(
    session({
      name: 'kt.sid',
      store: createSessionStore(sessionPool),
      secret: config.sessionSecret,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: config.appUrl.startsWith('https://'), maxAge: 8 * 3600_000 },
    }),
  );
  app.use(passport.initialize());
  app.use(passport.session());
  app.use(rejectCrossSiteForms(config));
  app.use((req: Request, res: Response, next: NextFunction) => {
    const user = req.user as SessionUser | undefined;
    res.locals.user = user;
    res.locals.isOffice = isOffice(user);
    res.locals.outboxEnabled = config.mailTransport.kind === 'outbox';
    next();
  });

  app.useStaticAssets(join(TEMPLATES_DIR, 'static'), { prefix: '/static/', maxAge: '1h' });
  app.setBaseViewsDir(join(TEMPLATES_DIR, 'pages'));
  app.setViewEngine('hbs');
  registerViewHelpers(join(TEMPLATES_DIR, 'pages'));
  app.set('view options', { layout: 'layouts/main' });

  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));

  const doc = new DocumentBuilder()
    .setTitle('Kleinstadt-Tandem API')
    .setDescription('Towns, profiles, registrations and verification. Authenticate with the session cookie from POST /api/auth/login.')
    .setVersion('1')
    .addCookieAuth('kt.sid')
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'api/docs-json' });

  return { close: () => sessionPool.end() };
}

/** Defence in depth beside SameSite=Lax: a state-changing request from another origin is refused. */
function rejectCrossSiteForms(config: AppConfig) {
  const own = new URL(config.appUrl).host;
  return (req: Request, res: Response, next: NextFunction) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
    const origin = req.headers.origin;
    if (origin && origin !== 'null') {
      const host = new URL(origin).host;
      if (host !== own && host !== req.headers.host) {
        res.status(403).json({ statusCode: 403, message: 'Cross-site request refused' });
        return;
      }
    }
    next();
  };
}
