import { Injectable } from '@nestjs/common';
import { TownRepository, type PendingContact } from '../municipalities/town.repository';

/** One pending application as the API returns it and the office page shows it. */
export interface RegistrationItem {
  townId: string;
  ags: string;
  registeredAt: Date;
  contacts: PendingContact[];
  directory: {
    name: string;
    stateName: string;
    districtName: string | null;
    associationName: string | null;
    population: number;
    postcode: string | null;
  };
  /** Other pending applications for the same town (the office verifies one; the others are rejected). */
  competingTownIds: string[];
}

/** Applications for one town, side by side on the office page. */
export interface RegistrationGroup {
  ags: string;
  directory: RegistrationItem['directory'];
  applications: Array<RegistrationItem & { position: number }>;
  competing: boolean;
}

export interface RegistrationsPage {
  title: string;
  groups: RegistrationGroup[];
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

  async items(): Promise<RegistrationItem[]> {
    const towns = await this.towns.listPendingApplications();
    const byAgs = new Map<string, string[]>();
    for (const t of towns) byAgs.set(t.ags, [...(byAgs.get(t.ags) ?? []), t.id]);
    return towns.map((t) => ({
      townId: t.id,
      ags: t.ags,
      registeredAt: t.createdAt,
      contacts: t.contacts,
      directory: {
        name: t.municipality.name,
        stateName: t.municipality.stateName,
        districtName: t.municipality.districtName,
        associationName: t.municipality.associationName,
        population: t.municipality.population,
        postcode: t.municipality.postcode,
      },
      competingTownIds: byAgs.get(t.ags)!.filter((id) => id !== t.id),
    }));
  }

  async page(done?: string, errors: string[] = []): Promise<RegistrationsPage> {
    const groups = new Map<string, RegistrationGroup>();
    for (const item of await this.items()) {
      const g = groups.get(item.ags) ?? { ags: item.ags, directory: item.directory, applications: [], competing: false };
      g.applications.push({ ...item, position: g.applications.length + 1 });
      g.competing = g.applications.length > 1;
      groups.set(item.ags, g);
    }
    return { title: 'Offene Registrierungen', groups: [...groups.values()], done: DONE[done ?? ''], errors };
  }
}
