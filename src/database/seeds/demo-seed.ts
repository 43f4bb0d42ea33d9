import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { hashPassword } from '../../auth/password.util';
import { DirectoryRecord } from '../../municipalities/directory/destatis-parser.util';
import { writeTownProfile } from '../../municipalities/town.repository';
import fixture from './demo-towns.fixture.json';

interface FixtureProfile {
  alliance: number;
  description: string;
  topics: string[];
  challenges: { topic: string; text: string; urgency: number }[];
  experiences: { topic: string; tried: string; outcome: string }[];
  capacity: number;
}
export interface FixtureTown {
  municipality: DirectoryRecord;
  profile?: FixtureProfile;
}

export const DEMO_TOWNS = fixture.towns as FixtureTown[];
export const DEMO_OFFICE_EMAIL = 'geschaeftsstelle@demo.kleinstadt-tandem.de';
export const DEMO_MAYOR_EMAIL = 'buergermeister@seelow.demo.kleinstadt-tandem.de';

export interface DemoLogin {
  role: 'office' | 'town_contact';
  email: string;
  /** Only when created (or reset) in this run; otherwise it was printed at first seeding. */
  password: string | null;
}
export interface SeedSummary {
  municipalitiesAdded: number;
  townsCreated: number;
  logins: DemoLogin[];
}

// Readable but strong: four groups of four letters/digits (≈ 95 bits), no look-alike separators inside groups.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
const newDemoPassword = () => {
  const chars = [...randomBytes(16)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
  return `Demo-${chars.match(/.{4}/g)!.join('-')}`;
};

/** Idempotent: the fixture's directory rows (only where missing), the 28 pilot towns as verified demo towns, two demo logins. */
export async function seedDemo(ds: DataSource, opts: { resetPasswords?: boolean } = {}): Promise<SeedSummary> {
  const passwords = await Promise.all([newDemoPassword(), newDemoPassword()].map(async (p) => ({ plain: p, hash: await hashPassword(p) })));
  return ds.transaction(async (m) => {
    let municipalitiesAdded = 0;
    for (const { municipality: r } of DEMO_TOWNS) {
      const res = await m.query(
        `INSERT INTO municipality (ags, ars, name, name_raw, type_code, state_code, state_name, district_name, association_name, association_type,
           association_population, population, area_km2, latitude, longitude, postcode, degurba, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'fixture')
         ON CONFLICT (ags) DO NOTHING RETURNING ags`,
        [r.ags, r.ars, r.name, r.nameRaw, r.typeCode, r.stateCode, r.stateName, r.districtName, r.associationName, r.associationType,
          r.associationPopulation, r.population, r.areaKm2, r.latitude, r.longitude, r.postcode, r.degurba],
      );
      municipalitiesAdded += res.length;
    }
    let townsCreated = 0;
    for (const { municipality, profile } of DEMO_TOWNS) {
      if (!profile) continue;
      const res = await m.query(
        `INSERT INTO town (ags, status, is_demo, decided_at) VALUES ($1, 'verified', true, now()) ON CONFLICT (ags) DO NOTHING RETURNING id`,
        [municipality.ags],
      );
      if (!res[0]) continue;
      townsCreated++;
      await writeTownProfile(m, res[0].id, {
        description: profile.description, capacity: profile.capacity, visibility: {}, topics: profile.topics,
        challenges: profile.challenges.map((c) => ({ topicSlug: c.topic, text: c.text, urgency: c.urgency })),
        experiences: profile.experiences.map((e) => ({ topicSlug: e.topic, tried: e.tried, outcome: e.outcome })),
      });
    }
    const seelow = (await m.query(`SELECT id FROM town WHERE ags = $1`, [DEMO_TOWNS[0].municipality.ags]))[0]?.id;
    const logins = [
      await ensureLogin(m, { role: 'office', email: DEMO_OFFICE_EMAIL, name: 'Geschäftsstelle (Demo)', townId: null }, passwords[0], opts.resetPasswords),
      await ensureLogin(m, { role: 'town_contact', email: DEMO_MAYOR_EMAIL, name: 'Bürgermeister Seelow (Demo)', townId: seelow }, passwords[1], opts.resetPasswords),
    ];
    return { municipalitiesAdded, townsCreated, logins };
  });
}

async function ensureLogin(
  m: EntityManager,
  u: { role: DemoLogin['role']; email: string; name: string; townId: string | null },
  pw: { plain: string; hash: string },
  reset = false,
): Promise<DemoLogin> {
  const existing = await m.query(`SELECT id FROM user_account WHERE lower(email) = lower($1)`, [u.email]);
  if (existing[0]) {
    if (!reset) return { role: u.role, email: u.email, password: null };
    await m.query(`UPDATE user_account SET password_hash = $2 WHERE id = $1`, [existing[0].id, pw.hash]);
    return { role: u.role, email: u.email, password: pw.plain };
  }
  await m.query(
    `INSERT INTO user_account (email, password_hash, role, display_name, town_id, contact_function, email_confirmed_at)
     VALUES ($1, $2, $3, $4, $5, $6, now())`,
    [u.email, pw.hash, u.role, u.name, u.townId, u.role === 'town_contact' ? 'mayor' : null],
  );
  return { role: u.role, email: u.email, password: pw.plain };
}

export function formatLogins(logins: DemoLogin[]): string {
  return logins
    .map((l) => `  ${l.role === 'office' ? 'Geschäftsstelle' : 'Bürgermeister Seelow'}: ${l.email} / ${l.password ?? '(Passwort wurde beim ersten Start ausgegeben; neu setzen mit RESET_DEMO_PASSWORDS=true)'}`)
    .join('\n');
}
