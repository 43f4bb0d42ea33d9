import { Injectable } from '@nestjs/common';
import { townNotFound } from '../common/domain-error';
import { TownRepository } from '../municipalities/town.repository';
import { isOffice, type SessionUser } from '../auth/session-user';
import { TownContactsService, type TownContact } from './town-contacts.service';

const DONE: Record<string, string> = {
  eingeladen: 'Die Einladung wurde verschickt.',
  entfernt: 'Die Ansprechperson wurde entfernt.',
  haupt: 'Die Hauptansprechperson wurde geändert und per E-Mail informiert.',
};

export interface TownContactsPage {
  title: string;
  townName: string;
  office: boolean;
  actionBase: string;
  contacts: Array<TownContact & { self: boolean; removable: boolean }>;
  canInvite: boolean;
  form: { email: string; displayName: string; contactFunction: string };
  done?: string;
  errors: string[];
}

/** What the contacts pages show, for the town's own page and the office's page alike. */
@Injectable()
export class TownContactsViewModel {
  constructor(
    private readonly contacts: TownContactsService,
    private readonly towns: TownRepository,
  ) {}

  async townPage(
    viewer: SessionUser,
    townId: string,
    opts: { done?: string; errors?: string[]; form?: TownContactsPage['form'] },
  ): Promise<TownContactsPage> {
    const town = await this.towns.findById(townId);
    if (!town) throw townNotFound();
    const list = await this.contacts.list(viewer, townId);
    const office = isOffice(viewer);
    return {
      // The office's view of a town's contacts is its own page: its own title (unique page titles, BITV 2.0).
      title: office ? `Ansprechpersonen ${town.municipality.name} · Geschäftsstelle` : `Ansprechpersonen ${town.municipality.name}`,
      townName: town.municipality.name,
      office,
      actionBase: office ? `/geschaeftsstelle/kommunen/${townId}/kontakte` : '/meine-kommune/kontakte',
      contacts: list.map((c) => ({ ...c, self: c.id === viewer.id, removable: !c.mainContact && c.id !== viewer.id })),
      canInvite: !office && town.status === 'verified',
      form: opts.form ?? { email: '', displayName: '', contactFunction: 'deputy' },
      done: DONE[opts.done ?? ''],
      errors: opts.errors ?? [],
    };
  }
}
