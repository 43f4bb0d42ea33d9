import { Client } from 'pg';

export interface DirectoryRow {
  ags: string;
  name: string;
  stateCode: string;
  stateName: string;
  population: number;
  postcode: string;
}

/** Inserts directory rows the way the importer would (minimal columns), for tests that need a few towns. */
export async function insertMunicipalities(db: Client, rows: DirectoryRow[]): Promise<void> {
  for (const r of rows) {
    await db.query(
      `INSERT INTO municipality (ags, ars, name, name_raw, type_code, state_code, state_name, district_name, population, area_km2, latitude, longitude, postcode, degurba, source)
       VALUES ($1, $2, $3::varchar, $3::varchar || ', Stadt', 63, $4, $5, 'Testkreis', $6, 42.5, 50.6, 13.3, $7, 3, 'test')`,
      [r.ags, `${r.ags.slice(0, 5)}0000${r.ags.slice(5)}`, r.name, r.stateCode, r.stateName, r.population, r.postcode],
    );
  }
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
