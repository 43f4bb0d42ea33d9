import { Logger, ValidationPipe } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { join } from 'node:path';
import passport from 'passport';
import { Pool } from 'pg';
import { busyAware } from './common/database-busy';
import { sessionCache } from './auth/session-cache';
import { createSessionStore } from './auth/session-store';
import { isOffice, type SessionUser } from './auth/session-user';
import { KERN_DIST_DIR, KERN_PREFIX, TEMPLATES_DIR } from './common/paths';
import { germanyMapBase } from './maps/germany-map-base.middleware';
import { GERMANY_MAP_BASE_PREFIX } from './maps/germany-map.util';
import { canOpenOutbox } from './mail/outbox-access.guard';
import { APP_CONFIG, type AppConfig, SESSION_POOL_SIZE } from './config/app-config';
import { registerViewHelpers } from './view-helpers';
import { bodyParserErrors, bodyParsers } from './security/body-parsing';
import { contentTypeCheck, ensureBody } from './security/content-type.middleware';
import { csrfProtection } from './security/csrf.middleware';
import { inputSanity } from './security/input-sanity.middleware';
import { noStoreForPrivate } from './security/no-store.middleware';
import { originCheck } from './security/origin-check.middleware';
import { changesStateOrHasBody, onlyFor, pageOrWrite } from './security/request-lanes';

/** Everything the HTTP app needs besides its modules; shared by main.ts and the e2e tests. */
export function setupApp(app: NestExpressApplication): { close: () => Promise<void> } {
  const config = app.get<AppConfig>(APP_CONFIG);
  // X-Forwarded-For decides req.ip (and so the login rate limit) only for the proxies TRUST_PROXY names.
  app.set('trust proxy', config.trustProxy);
  // No ETag on dynamic answers: signed-in pages and every API answer are no-store, so no cache revalidates them, and
  // hashing each body (150 KB on the office's matching page) cost CPU on every request. Static files keep theirs.
  app.set('etag', false);
  // Referrer-Policy same-origin (not helmet's no-referrer): under no-referrer Chromium sends `Origin: null` even on
  // our own form posts, and the origin check below refuses null. Other sites still get no referrer.
  app.use(
    helmet({
      contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:'] } },
      referrerPolicy: { policy: 'same-origin' },
    }),
  );
  // Static files before sessions: no session lookup for a stylesheet, and the long cache headers are not replaced by
  // the no-store that answers for a signed-in user get. KERN (issue 30) is served from the package, never from a CDN;
  // its version is part of the path, so a new version is a new address and a year of caching is safe.
  app.useStaticAssets(KERN_DIST_DIR, { prefix: KERN_PREFIX, maxAge: '365d', immutable: true, index: false });
  app.useStaticAssets(join(TEMPLATES_DIR, 'static'), { prefix: '/static/', maxAge: '1h', index: false });
  app.use(GERMANY_MAP_BASE_PREFIX, germanyMapBase);
  // Order matters: cheap refusals first, then the parsers (ours, with limits), then one check of everything decoded.
  // A request without a body that changes nothing (most of them) passes the first group in one step.
  app.use(onlyFor(changesStateOrHasBody, [originCheck(config.appUrl), contentTypeCheck, ...bodyParsers(), ensureBody]));
  app.use(bodyParserErrors);
  app.use(inputSanity);

  const sessionPool = new Pool({ connectionString: config.databaseUrl, max: SESSION_POOL_SIZE });
  // An idle client dropped by the server (restart, failover) must not crash the process; the pool reconnects.
  sessionPool.on('error', (err) => new Logger('SessionStore').warn(`Session store connection lost: ${err.message}`));
  sessionCache.ttlMs = config.sessionCacheMs;
  sessionCache.clear();
  const sessionStore = createSessionStore(sessionPool);
  app.use(
    busyAware(
      session({
        name: 'kt.sid',
        store: sessionStore,
        secret: config.sessionSecret,
        resave: false,
        saveUninitialized: false,
        rolling: true,
        cookie: { httpOnly: true, sameSite: 'lax', secure: config.appUrl.startsWith('https://'), maxAge: 8 * 3600_000 },
      }),
    ),
  );
  app.use(passport.initialize());
  // @types/passport leaves the middleware's type open (any).
  app.use(busyAware(passport.session() as RequestHandler));
  app.use(noStoreForPrivate);
  // Cookies besides the session's, the CSRF token and what every page shows: for pages and writes, not API reads.
  app.use(
    onlyFor(pageOrWrite, [
      cookieParser(),
      csrfProtection(config.sessionSecret, config.appUrl.startsWith('https://')),
      (req: Request, res: Response, next: NextFunction) => {
        const user = req.user as SessionUser | undefined;
        res.locals.user = user;
        res.locals.isOffice = isOffice(user);
        res.locals.kernPrefix = KERN_PREFIX;
        res.locals.currentPath = req.path;
        res.locals.outboxEnabled = canOpenOutbox(config, user); // linked only where it can be opened
        next();
      },
    ]),
  );

  app.setBaseViewsDir(join(TEMPLATES_DIR, 'pages'));
  app.setViewEngine('hbs');
  registerViewHelpers(join(TEMPLATES_DIR, 'pages'));
  app.set('view options', { layout: 'layouts/main' });
  app.set('view cache', config.viewCache);

  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));

  const doc = new DocumentBuilder()
    .setTitle('Kleinstadt-Tandem API')
    .setDescription('Towns, profiles, registrations and verification. Authenticate with the session cookie from POST /api/auth/login.')
    .setVersion('1')
    .addCookieAuth('kt.sid')
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'api/docs-json' });

  // The store's prune timer stops first, so no prune runs on an ended pool.
  return {
    close: async () => {
      await sessionStore.close();
      await sessionPool.end();
    },
  };
}
