import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { Controller, DynamicModule, Get, Module, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { Roles } from '../auth/roles.guard';
import { isOffice, type SessionUser } from '../auth/session-user';
import { appConfig } from '../config/app-config';
import { QUEUES } from '../queue/queue-names';

const QUEUE_BOARD_ROUTE = '/admin/queues';

/** Bull Board is plain Express middleware outside Nest's guards: the session decides here (office and admin only). */
function officeOnly(req: Request, res: Response, next: NextFunction): void {
  const user = req.user as SessionUser | undefined;
  if (!user) return res.redirect(303, `/anmelden?next=${encodeURIComponent(QUEUE_BOARD_ROUTE)}`);
  if (!isOffice(user)) {
    res.status(403).render('error', { title: 'Fehler', status: 403, message: 'Sie haben keine Berechtigung für diese Seite.', user });
    return;
  }
  next();
}

// In the embedded mode the queues live in BullMQ's PostgreSQL backend, which Bull Board does not read (it asks Redis
// directly): the route answers with a page that says so instead of a broken board.
@ApiExcludeController()
@Controller('admin/queues')
class QueueBoardUnavailablePagesController {
  @Get()
  @Roles('office', 'admin')
  page(@Res() res: Response) {
    return res.status(503).render('error', {
      title: 'Warteschlangen',
      status: 503,
      message:
        'Die Übersicht der Warteschlangen steht im eingebauten Modus (ohne Redis) nicht zur Verfügung. Sie erscheint, sobald der Dienst mit PostgreSQL und Redis läuft (DATABASE_URL und REDIS_URL gesetzt).' +
        // Only where mails are kept there (SMTP_URL sends them instead).
        (appConfig().mailTransport.kind === 'outbox' ? ' E-Mails sehen Sie im Postausgang.' : ''),
    });
  }
}

@Module({})
export class QueueBoardModule {
  static register(): DynamicModule {
    if (appConfig().queueBackend === 'postgres') {
      return { module: QueueBoardModule, controllers: [QueueBoardUnavailablePagesController] };
    }
    return {
      module: QueueBoardModule,
      imports: [
        BullBoardModule.forRoot({
          route: QUEUE_BOARD_ROUTE,
          adapter: ExpressAdapter,
          middleware: officeOnly,
          boardOptions: { uiConfig: { boardTitle: 'Warteschlangen' } },
        }),
        BullBoardModule.forFeature(...Object.values(QUEUES).map((name) => ({ name, adapter: BullMQAdapter }))),
      ],
    };
  }
}
