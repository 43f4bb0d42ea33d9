import { Injectable } from '@nestjs/common';
import { MailService } from '../mail/mail.service';
import { WorkshopMailsService } from './workshop-mails.service';
import { WorkshopRepository } from './workshop.repository';

const REMINDERS = [
  { kind: '7d', days: 7 },
  { kind: '1d', days: 1 },
] as const;

/** The scheduler's job body: reminders 7 days and 1 day before a confirmed workshop, each at most once (reminder row). */
@Injectable()
export class WorkshopRemindersService {
  constructor(
    private readonly repo: WorkshopRepository,
    private readonly mail: MailService,
    private readonly mails: WorkshopMailsService,
  ) {}

  async runReminders(now = new Date()): Promise<number> {
    let sent = 0;
    for (const r of REMINDERS) {
      for (const { id } of await this.repo.dueForReminder(r.kind, now, r.days)) {
        const mails = await this.repo.transaction(async (m) => {
          const w = await this.repo.findForUpdate(m, id);
          if (!w || w.state !== 'confirmed' || !(await this.repo.claimReminder(m, id, r.kind))) return [];
          // The 7-day reminder is pointless once the 1-day one is due: mark it sent without mailing twice in one day.
          if (r.kind === '7d' && w.startsAt && w.startsAt.getTime() - now.getTime() <= 86_400_000) return [];
          const invs = (await this.repo.invitations(id, m)).filter((i) => i.state === 'accepted');
          return this.mails.forInvitations(m, w, invs, 'workshop-reminder', `reminder-${r.kind}`, null, {
            days: r.days,
            tomorrow: r.days === 1,
          });
        });
        sent += mails.length;
        await this.mail.dispatch(mails);
      }
    }
    return sent;
  }
}
