import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { hashPassword } from '../../auth/password.util';
import { DirectoryRecord } from '../../municipalities/directory/destatis-parser.util';
import { TownRepository } from '../../municipalities/town.repository';
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
export const DEMO_SOURCE_NOTE: string = fixture._source;
export const DEMO_OFFICE_EMAIL = 'geschaeftsstelle@demo.kleinstadt-tandem.de';
export const DEMO_MAYOR_EMAIL = 'buergermeister@seelow.demo.kleinstadt-tandem.de';
const SEELOW_AGS = '12064448';

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
export interface SeedOptions {
  /** Give the two demo logins new passwords (and return them). */
  resetPasswords?: boolean;
  /** Progress lines, e.g. console.log; silent by default. */
  log?: (line: string) => void;
}

// Readable but strong: four groups of four letters/digits (≈ 93 bits) from an alphabet without look-alikes (0/O, 1/l/I).
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
export function newDemoPassword(): string {
  // 256 % 57 != 0, so reject the top bytes to keep every character equally likely.
  const limit = 256 - (256 % ALPHABET.length);
  const chars: string[] = [];
  while (chars.length < 16) for (const b of randomBytes(32)) if (b < limit && chars.length < 16) chars.push(ALPHABET[b % ALPHABET.length]);
  return `Demo-${chars.join('').match(/.{4}/g)!.join('-')}`;
}

/**
 * Idempotent, in one transaction: the fixture's directory rows (only where the AGS is missing, so a real import
 * wins), the 28 pilot towns as verified demo towns with their profiles, and two demo logins.
 */
export async function seedDemo(ds: DataSource, opts: SeedOptions = {}): Promise<SeedSummary> {
  const log = opts.log ?? (() => undefined);
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
    log(`Demo: ${municipalitiesAdded} of ${DEMO_TOWNS.length} fixture municipalities added to the directory (the others were there already).`);

    let townsCreated = 0;
    for (const { municipality, profile } of DEMO_TOWNS) {
      if (!profile) continue; // the unregistered towns stay free for a visitor to register
      // An existing town with this AGS (demo or a real registration) is left as it is.
      const res = await m.query(
        `INSERT INTO town (ags, status, is_demo, decided_at) VALUES ($1, 'verified', true, now())
         ON CONFLICT (ags) WHERE status = 'verified' DO NOTHING RETURNING id`,
        [municipality.ags],
      );
      if (!res[0]) continue;
      townsCreated++;
      await new TownRepository(ds).writeProfile(m, res[0].id, {
        description: profile.description, capacity: profile.capacity, visibility: {}, topics: profile.topics,
        challenges: profile.challenges.map((c) => ({ topicSlug: c.topic, text: c.text, urgency: c.urgency })),
        experiences: profile.experiences.map((e) => ({ topicSlug: e.topic, tried: e.tried, outcome: e.outcome })),
      });
    }
    log(`Demo: ${townsCreated} pilot towns created as verified demo towns.`);

    // The demo mayor belongs to the demo Seelow only, never to a real registration of Seelow.
    const seelow: string | null = (await m.query(`SELECT id FROM town WHERE ags = $1 AND is_demo`, [SEELOW_AGS]))[0]?.id ?? null;
    const logins = [await ensureLogin(m, { role: 'office', email: DEMO_OFFICE_EMAIL, name: 'Geschäftsstelle (Demo)', townId: null }, opts.resetPasswords)];
    if (seelow) {
      logins.push(await ensureLogin(m, { role: 'town_contact', email: DEMO_MAYOR_EMAIL, name: 'Bürgermeister Seelow (Demo)', townId: seelow }, opts.resetPasswords));
    } else {
      log('Demo: Seelow is registered as a real town, so no demo mayor login was created.');
    }
    for (const l of logins) log(`Demo: login ${l.email} ${l.password ? (opts.resetPasswords ? 'password reset' : 'created') : 'exists'}.`);
    return { municipalitiesAdded, townsCreated, logins };
  });
}

async function ensureLogin(
  m: EntityManager,
  u: { role: DemoLogin['role']; email: string; name: string; townId: string | null },
  reset = false,
): Promise<DemoLogin> {
  const existing = await m.query(`SELECT id FROM user_account WHERE lower(email) = lower($1)`, [u.email]);
  if (existing[0] && !reset) return { role: u.role, email: u.email, password: null };
  const plain = newDemoPassword();
  const hash = await hashPassword(plain); // argon2id
  if (existing[0]) {
    await m.query(`UPDATE user_account SET password_hash = $2 WHERE id = $1`, [existing[0].id, hash]);
    return { role: u.role, email: u.email, password: plain };
  }
  await m.query(
    `INSERT INTO user_account (email, password_hash, role, display_name, town_id, contact_function, email_confirmed_at)
     VALUES ($1, $2, $3, $4, $5, $6, now())`,
    [u.email, hash, u.role, u.name, u.townId, u.role === 'town_contact' ? 'mayor' : null],
  );
  return { role: u.role, email: u.email, password: plain };
}

export function formatLogins(logins: DemoLogin[]): string {
  return logins
    .map((l) => `  ${l.role === 'office' ? 'Geschäftsstelle' : 'Bürgermeister Seelow'}: ${l.email} / ${l.password ?? '(Passwort wurde beim ersten Seeding ausgegeben / printed at first seeding; neu setzen: --reset-passwords oder RESET_DEMO_PASSWORDS=true)'}`)
    .join('\n');
}
