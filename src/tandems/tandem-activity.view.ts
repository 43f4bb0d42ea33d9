import { Inject, Injectable } from '@nestjs/common';
import { isOffice, type SessionUser } from '../auth/session-user';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { pageOf, type Page } from '../common/paging.util';
import { TandemActivityRepository, type MeetingRow } from './tandem-activity.repository';
import {
  dayDe,
  dayInGermany,
  MEETING_FORMAT_DE,
  MEETING_FORMATS,
  MEETING_MAX_DAYS_AHEAD,
  MEETING_NOTES_MAX,
  MEETING_STATES,
  type SilenceState,
} from './tandem-activity.util';
import type { TandemListRow } from './tandem.repository';
import { TandemRepository } from './tandem.repository';

/** The office's filter value for resting tandems (beside the states). */
export const RESTING_FILTER = 'ruhend';

/** What the tandem page and the API show of a tandem's activity, and the office's "ruhend" marks (issue 23). */
@Injectable()
export class TandemActivityView {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: TandemActivityRepository,
    private readonly tandems: TandemRepository,
  ) {}

  /**
   * For the detail (the caller checked that the viewer is one of the two towns or the office). `meetings` and `silence`
   * as TandemRepository.detailBundle read them with the tandem (one round trip for the whole page).
   */
  detail(viewer: SessionUser, r: TandemListRow, meetings: MeetingRow[], silence: SilenceState | null, now = new Date()) {
    const ownTown = viewer.townId === r.townA || viewer.townId === r.townB ? viewer.townId : null;
    const office = isOffice(viewer);
    const resting = office && r.state === 'active' && silence?.restingSince ? silence.restingSince : null;
    const today = dayInGermany(now);
    return {
      meetings: meetings.map((x) => ({
        id: x.id,
        date: x.metOn,
        dateLabel: dayDe(x.metOn),
        format: x.format,
        formatLabel: MEETING_FORMAT_DE[x.format],
        notes: x.notes,
        townName: x.townId === r.townA ? r.nameA : r.nameB,
        authorName: x.authorName,
      })),
      /** Either town adds entries from approval on and while the tandem runs; the office reads. */
      canAdd: !!ownTown && MEETING_STATES.includes(r.state),
      formats: MEETING_FORMATS.map((f) => ({ value: f, label: MEETING_FORMAT_DE[f] })),
      notesMax: MEETING_NOTES_MAX,
      today: today.toISOString().slice(0, 10),
      latestDate: new Date(today.getTime() + MEETING_MAX_DAYS_AHEAD * 86_400_000).toISOString().slice(0, 10),
      silenceWeeks: this.config.activity.silenceWeeks,
      /** Office only: reminders sent in the current silence, and since when the tandem rests. */
      silenceReminders: office && r.state === 'active' ? (silence?.reminders ?? 0) : null,
      resting,
      followUp: resting
        ? [
            { townName: r.nameA, href: `/geschaeftsstelle/kommunen/${r.townA}` },
            { townName: r.nameB, href: `/geschaeftsstelle/kommunen/${r.townB}` },
          ]
        : null,
    };
  }

  /** Marks the office list's cards of resting tandems. */
  async markResting<T extends { id: string }>(cards: T[]): Promise<(T & { resting: boolean; restingSince: Date | null })[]> {
    const resting = await this.repo.restingOf(cards.map((c) => c.id));
    return cards.map((c) => ({ ...c, resting: resting.has(c.id), restingSince: resting.get(c.id) ?? null }));
  }

  /** One page of the resting tandems for the office's filter, longest resting first. */
  async restingList<T extends { id: string }>(
    page: unknown,
    limit: number,
    card: (r: TandemListRow) => T,
  ): Promise<{ items: (T & { resting: boolean; restingSince: Date | null })[] } & Page> {
    const p = pageOf(await this.repo.restingCount(), page, limit);
    const ids = p.total ? await this.repo.restingPage(p.limit, p.offset) : [];
    const rows = (await Promise.all(ids.map((id) => this.tandems.findById(id)))).filter((r): r is TandemListRow => !!r);
    return { ...p, items: await this.markResting(rows.map(card)) };
  }
}
