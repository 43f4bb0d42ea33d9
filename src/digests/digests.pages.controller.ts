import { Body, Controller, Get, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.guard';
import type { SessionUser } from '../auth/session-user';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DIGEST_FREQUENCIES, FREQUENCY_LABELS, isoWeekOf, parseIsoWeek, periodLabel, verifyUnsubscribe } from './digest-content.util';
import type { DigestFrequency } from '../auth/user.repository';
import { DigestsService } from './digests.service';

const TRIGGERS: Record<string, string> = { schedule: 'zeitgesteuert', office: 'Geschäftsstelle' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@ApiExcludeController()
@Controller()
export class DigestsPagesController {
  constructor(
    private readonly digests: DigestsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // ---- the contact's own setting ----

  @Get('benachrichtigungen')
  @Roles('town_contact')
  async settings(@CurrentUser() user: SessionUser, @Query('gespeichert') saved: string | undefined, @Res() res: Response) {
    const current = await this.digests.frequencyOf(user.id);
    return res.render('notifications', this.settingsView(current, saved === '1'));
  }

  @Post('benachrichtigungen')
  @Roles('town_contact')
  async saveSettings(@CurrentUser() user: SessionUser, @Body() body: Record<string, unknown>, @Res() res: Response) {
    try {
      await this.digests.setFrequency(user.id, body.frequency);
      return res.redirect(303, '/benachrichtigungen?gespeichert=1');
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const current = await this.digests.frequencyOf(user.id);
      return res.status(err.getStatus()).render('notifications', { ...this.settingsView(current, false), errors: [err.messageDe] });
    }
  }

  private settingsView(current: DigestFrequency, saved: boolean) {
    return {
      title: 'Benachrichtigungen',
      saved,
      savedLabel: FREQUENCY_LABELS[current],
      options: DIGEST_FREQUENCIES.map((value) => ({ value, label: FREQUENCY_LABELS[value], selected: value === current })),
    };
  }

  // ---- one-click unsubscribe (RFC 8058): the signed link is the authorisation, no login and no session needed ----

  @Get('abbestellen')
  unsubscribePage(@Query('u') userId: unknown, @Query('s') signature: unknown, @Res() res: Response) {
    const valid = verifyUnsubscribe(this.config.digest.unsubscribeSecret, userId, signature);
    return res.status(valid ? 200 : 400).render('unsubscribe', { title: 'Übersicht abbestellen', invalid: !valid, userId, signature });
  }

  /** Mail clients POST "List-Unsubscribe=One-Click" here; the confirm page's button posts here too. */
  @Post('abbestellen')
  @HttpCode(200)
  async unsubscribe(@Query('u') userId: unknown, @Query('s') signature: unknown, @Res() res: Response) {
    if (!verifyUnsubscribe(this.config.digest.unsubscribeSecret, userId, signature)) {
      return res.status(400).render('unsubscribe', { title: 'Übersicht abbestellen', invalid: true });
    }
    await this.digests.setFrequency(userId as string, 'off');
    return res.render('unsubscribe', { title: 'Übersicht abbestellt', done: true });
  }

  // ---- Geschäftsstelle ----

  @Get('geschaeftsstelle/uebersicht')
  @Roles('office', 'admin')
  async office(
    @Query('kommune') townId: string | undefined,
    @Query('gestartet') started: string | undefined,
    @Res() res: Response,
    errors: string[] = [],
    status = 200,
  ) {
    const [runs, towns] = await Promise.all([this.digests.runs(), this.digests.verifiedTowns()]);
    let preview = null;
    if (townId !== undefined) {
      if (!UUID.test(townId)) {
        errors = [...errors, 'Bitte wählen Sie eine Kommune aus der Liste.'];
        status = 400;
      } else {
        try {
          const p = await this.digests.preview(townId);
          preview = {
            label: periodLabel(p.period),
            contacts: p.contacts.map((c) => ({ ...c, frequencyLabel: FREQUENCY_LABELS[c.frequency] })),
          };
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          errors = [...errors, err.messageDe];
          status = err.getStatus();
        }
      }
    }
    const startedWeek = parseIsoWeek(started) ? started! : null;
    return res.status(status).render('office-digests', {
      title: 'Wöchentliche Übersicht',
      errors,
      started: !!startedWeek,
      startedLabel: startedWeek ? periodLabel(startedWeek) : '',
      scheduleLabel:
        this.config.digest.cron === '0 7 * * 1'
          ? `montags 7:00 Uhr (${this.config.digest.timeZone})`
          : `nach Zeitplan „${this.config.digest.cron}“ (${this.config.digest.timeZone})`,
      currentWeek: isoWeekOf(new Date(), this.config.digest.timeZone),
      runs: runs.map((r) => ({
        ...r,
        label: periodLabel(r.period),
        triggerLabel: TRIGGERS[r.trigger] ?? r.trigger,
        pending: r.status === 'fanned_out' ? Math.max(0, r.recipients - r.sent - r.skipped - r.failed) : 'wird verteilt',
      })),
      towns: towns.map((t) => ({ ...t, selected: t.id === townId })),
      preview,
    });
  }

  @Post('geschaeftsstelle/uebersicht')
  @Roles('office', 'admin')
  async send(@Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const week = typeof body.week === 'string' ? body.week.trim() : '';
    if (!parseIsoWeek(week)) return this.office(undefined, undefined, res, ['Bitte wählen Sie eine gültige Kalenderwoche.'], 400);
    await this.digests.startRun(week, 'office', user.id);
    return res.redirect(303, `/geschaeftsstelle/uebersicht?gestartet=${week}`);
  }
}
