import { Client } from 'pg';
import type { DirectoryRecord } from '../../src/municipalities/directory/destatis-parser.util';
import { MunicipalityRepository } from '../../src/municipalities/municipality.repository';
import type { TestApp } from '../utils/boot-app';

export interface DirectoryRow {
  ags: string;
  name: string;
  stateCode: string;
  stateName: string;
  population: number;
  postcode: string;
}

/** Adds directory rows through the importer's repository (as the import and seed commands do), for tests that need a few towns. */
export async function insertMunicipalities(t: Pick<TestApp, 'app'>, rows: DirectoryRow[]): Promise<void> {
  const repo = t.app.get(MunicipalityRepository);
  const records: DirectoryRecord[] = rows.map((r) => ({
    ags: r.ags,
    ars: `${r.ags.slice(0, 5)}0000${r.ags.slice(5)}`,
    name: r.name,
    nameRaw: `${r.name}, Stadt`,
    typeCode: 63,
    stateCode: r.stateCode,
    stateName: r.stateName,
    districtName: 'Testkreis',
    associationName: null,
    associationType: null,
    associationPopulation: null,
    population: r.population,
    areaKm2: 42.5,
    latitude: 50.6,
    longitude: 13.3,
    postcode: r.postcode,
    degurba: 3,
  }));
  await repo.transaction((m) => repo.upsert(m, records, 'test'));
}

export const TEST_TOWNS: DirectoryRow[] = [
  { ags: '14521450', name: 'Olbernhau', stateCode: '14', stateName: 'Sachsen', population: 10966, postcode: '09526' },
  { ags: '01051011', name: 'Brunsbüttel', stateCode: '01', stateName: 'Schleswig-Holstein', population: 12603, postcode: '25541' },
  { ags: '05974040', name: 'Rüthen', stateCode: '05', stateName: 'Nordrhein-Westfalen', population: 10835, postcode: '59602' },
];

export async function createOfficeUser(db: Client, email: string, passwordHash: string): Promise<string> {
  const r = await db.query(
    `INSERT INTO user_account (email, password_hash, role, display_name, email_confirmed_at) VALUES ($1, $2, 'office', 'Geschäftsstelle Test', now()) RETURNING id`,
    [email, passwordHash],
  );
  return r.rows[0].id;
}
