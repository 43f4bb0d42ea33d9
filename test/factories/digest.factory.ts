import { Client } from 'pg';
import { TestApp } from '../utils/boot-app';
import { waitFor } from '../utils/wait-for';
import { MatchingService } from '../../src/matching/matching.service';

const STATES: Array<[string, string]> = [
  ['01', 'Schleswig-Holstein'],
  ['03', 'Niedersachsen'],
  ['05', 'Nordrhein-Westfalen'],
  ['06', 'Hessen'],
  ['08', 'Baden-Württemberg'],
  ['09', 'Bayern'],
  ['12', 'Brandenburg'],
  ['13', 'Mecklenburg-Vorpommern'],
  ['14', 'Sachsen'],
  ['16', 'Thüringen'],
];
const NAMES = [
  'Müllrose',
  'Großröhrsdorf',
  'Bad Kösen',
  'Jüterbog',
  'Schöppenstedt',
  'Nördlingen',
  'Weißenfels',
  'Füssen',
  'Ölsnitz',
  'Görlitz-Süd',
];
const TOPICS = ['leerstand', 'mobilitaet', 'demografie', 'digitale-verwaltung', 'klimaschutz', 'tourismus'];

export interface SeededTown {
  id: string;
  name: string;
  contacts: { id: string; email: string }[];
}

/**
 * Verified towns with profiles and confirmed contacts, written as the app would (directory row, town, topics,
 * challenges, experiences, contacts). Names carry umlauts on purpose. Verified a month ago unless told otherwise.
 */
export async function seedTowns(
  db: Client,
  n: number,
  opts: { contactsPerTown?: number; prefix?: string; verifiedAgo?: string; offset?: number } = {},
): Promise<SeededTown[]> {
  const out: SeededTown[] = [];
  const per = opts.contactsPerTown ?? 1;
  const offset = opts.offset ?? 0;
  for (let k = 0; k < n; k++) {
    const i = k + offset;
    const [stateCode, stateName] = STATES[i % STATES.length];
    const ags = `${stateCode}${String(900000 + i).padStart(6, '0')}`;
    const name = `${NAMES[i % NAMES.length]}${i >= NAMES.length ? ` ${Math.floor(i / NAMES.length) + 1}` : ''}`;
    await db.query(
      `INSERT INTO municipality (ags, ars, name, name_raw, type_code, state_code, state_name, district_name, population, area_km2, latitude, longitude, postcode, degurba, source)
       VALUES ($1, $2, $3::varchar, $3::varchar, 63, $4, $5, 'Testkreis', $6, 40, $7, $8, '01234', 3, 'test')`,
      [ags, `${ags.slice(0, 5)}0000${ags.slice(5)}`, name, stateCode, stateName, 6000 + ((i * 977) % 12000), 48 + (i % 7), 7 + (i % 8)],
    );
    const t = await db.query(
      `INSERT INTO town (ags, status, decided_at, profile_updated_at) VALUES ($1, 'verified', now() - $2::interval, now()) RETURNING id`,
      [ags, opts.verifiedAgo ?? '30 days'],
    );
    const townId = t.rows[0].id;
    const topics = [TOPICS[i % TOPICS.length], TOPICS[(i + 1) % TOPICS.length], TOPICS[(i * 3 + 2) % TOPICS.length]];
    for (const topic of new Set(topics)) await db.query(`INSERT INTO town_topic (town_id, topic_slug) VALUES ($1, $2)`, [townId, topic]);
    await db.query(`INSERT INTO town_challenge (town_id, topic_slug, text, urgency) VALUES ($1, $2, 'Leerstand in der Innenstadt', 3)`, [
      townId,
      topics[0],
    ]);
    await db.query(`INSERT INTO town_experience (town_id, topic_slug, tried, outcome) VALUES ($1, $2, 'Bürgerbus', 'läuft')`, [
      townId,
      topics[1],
    ]);
    const contacts = [];
    for (let c = 0; c < per; c++) {
      const email = `${opts.prefix ?? 'kontakt'}${i}-${c}@stadt.test`;
      const u = await db.query(
        `INSERT INTO user_account (email, password_hash, role, display_name, town_id, contact_function, email_confirmed_at, created_at)
         VALUES ($1, 'x', 'town_contact', $2, $3, 'mayor', now(), now() - interval '60 days') RETURNING id`,
        [email, c === 0 ? 'Frau Bürgermeisterin Jäger' : 'Herr Größer', townId],
      );
      contacts.push({ id: u.rows[0].id, email });
    }
    out.push({ id: townId, name, contacts });
  }
  return out;
}

/** Runs the real suggestions computation and waits for it. */
export async function computeSuggestions(t: TestApp): Promise<void> {
  const runId = await t.app.get(MatchingService).startRun('suggestions', { trigger: 'test' });
  await pollUntil(
    async () => (await t.db.query(`SELECT status FROM matching_run WHERE id = $1`, [runId])).rows[0]?.status === 'done',
    60_000,
    'suggestions run',
  );
}

/** Polls a condition until it holds; fails with the label after the deadline (test/utils/wait-for). */
export async function pollUntil(cond: () => Promise<boolean>, timeoutMs: number, label: string, everyMs = 100): Promise<void> {
  await waitFor(cond, { timeoutMs, intervalMs: everyMs, what: label });
}

export interface RunState {
  status: string;
  recipients: number;
  decided: number;
  mailed: number;
  skipped: number;
  sent: number;
  unsent: number;
}

export async function runState(db: Client, period: string): Promise<RunState | null> {
  const r = await db.query(
    `SELECT r.status, r.recipients, count(d.id)::int AS decided,
            count(*) FILTER (WHERE d.outcome = 'mailed')::int AS mailed, count(*) FILTER (WHERE d.outcome = 'skipped')::int AS skipped,
            count(*) FILTER (WHERE md.status = 'sent')::int AS sent, count(*) FILTER (WHERE d.outcome = 'mailed' AND md.status IS DISTINCT FROM 'sent')::int AS unsent
     FROM digest_run r LEFT JOIN digest_recipient d ON d.run_id = r.id LEFT JOIN mail_delivery md ON md.id = d.delivery_id
     WHERE r.period = $1 GROUP BY r.id`,
    [period],
  );
  return r.rows[0] ?? null;
}

/** Waits until every recipient of the week is decided and every promised digest is marked sent. */
export async function waitForRunDone(db: Client, period: string, timeoutMs = 60_000): Promise<RunState> {
  let last: RunState | null = null;
  await pollUntil(
    async () => {
      last = await runState(db, period);
      return !!last && last.status === 'fanned_out' && last.decided >= last.recipients && last.unsent === 0;
    },
    timeoutMs,
    `digest run ${period} done (last state ${JSON.stringify(last)})`,
    200,
  );
  return last!;
}
