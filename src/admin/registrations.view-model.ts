import { Injectable } from '@nestjs/common';
import { pager, readCountedPage, type Page } from '../common/paging.util';
import { TownRepository, type PendingContact, type PendingDirectoryFacts } from '../municipalities/town.repository';

/** Towns per page on the office registrations page (each with all its applications side by side). */
const REGISTRATION_TOWNS_PER_PAGE = 20;
/** Applications per page in the API unless `limit` says otherwise. */
export const REGISTRATIONS_API_PAGE_SIZE = 50;

/** One pending application as the API returns it and the office page shows it. */
export interface RegistrationItem {
  townId: string;
  ags: string;
  registeredAt: Date;
  contacts: PendingContact[];
  directory: PendingDirectoryFacts;
  /** Other pending applications for the same town (the office verifies one; the others are rejected). */
  competingTownIds: string[];
}

/** Applications for one town, side by side on the office page. */
interface RegistrationGroup {
  ags: string;
  directory: RegistrationItem['directory'];
  applications: Array<RegistrationItem & { position: number }>;
  competing: boolean;
}

/** One page of applications in the API, oldest first, shaped like the office tandem list. */
export type RegistrationsApiPage = Page & { items: RegistrationItem[] };

export interface RegistrationsPage {
  title: string;
  groups: RegistrationGroup[];
  pager: ReturnType<typeof pager>;
  done?: string;
  errors: string[];
}

const DONE: Record<string, string> = {
  verify: 'Die Registrierung wurde bestätigt. Die Kommune wurde per E-Mail informiert.',
  reject: 'Die Registrierung wurde abgelehnt. Die Kommune wurde per E-Mail informiert.',
};

// Shared by the API controller and the office page, so both show the same applications.
@Injectable()
export class RegistrationsViewModel {
  constructor(private readonly towns: TownRepository) {}

  /** One page of pending applications, oldest first (`page` past the end answers the last page). */
  async items(page = 1, limit = REGISTRATIONS_API_PAGE_SIZE): Promise<RegistrationsApiPage> {
    const { p, items } = await this.load('application', page, limit);
    return { ...p, items };
  }

  /** The page asked for with its total: one statement (count, page and details), clamped to the last page as pageOf. */
  private async load(by: 'application' | 'town', requested: unknown, limit: number): Promise<{ p: Page; items: RegistrationItem[] }> {
    const {
      p,
      read: { towns, sameAgs },
    } = await readCountedPage(requested, limit, (offset) => this.towns.pendingApplicationsPage(by, offset, limit));
    const byAgs = new Map<string, string[]>();
    for (const t of sameAgs) byAgs.set(t.ags, [...(byAgs.get(t.ags) ?? []), t.id]);
    const items = towns.map((t) => ({
      townId: t.id,
      ags: t.ags,
      registeredAt: t.createdAt,
      contacts: t.contacts,
      directory: {
        name: t.name,
        stateName: t.stateName,
        districtName: t.districtName,
        associationName: t.associationName,
        population: t.population,
        postcode: t.postcode,
      },
      competingTownIds: (byAgs.get(t.ags) ?? []).filter((id) => id !== t.id),
    }));
    return { p, items };
  }

  /** One page of the office list: `REGISTRATION_TOWNS_PER_PAGE` towns, oldest application first. */
  async page(done?: string, errors: string[] = [], requested: unknown = 1): Promise<RegistrationsPage> {
    const { p, items } = await this.load('town', requested, REGISTRATION_TOWNS_PER_PAGE);
    const groups = new Map<string, RegistrationGroup>();
    for (const item of items) {
      const g = groups.get(item.ags) ?? { ags: item.ags, directory: item.directory, applications: [], competing: false };
      g.applications.push({ ...item, position: g.applications.length + 1 });
      g.competing = g.applications.length > 1;
      groups.set(item.ags, g);
    }
    return {
      title: 'Offene Registrierungen',
      groups: [...groups.values()],
      pager: pager(p, (n) => `/geschaeftsstelle/registrierungen?seite=${n}`, 'Kommunen', 'Seiten der offenen Registrierungen'),
      done: DONE[done ?? ''],
      errors,
    };
  }
}
