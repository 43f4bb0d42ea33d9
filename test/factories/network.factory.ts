import { Client } from 'pg';

/**
 * A network of `n` verified towns with small profiles, written in a few set-based statements (directory rows with
 * AGS 'SS9xxxxx' so they never collide with the demo fixture). Returns the town ids in AGS order.
 */
export async function insertNetwork(db: Client, n: number): Promise<string[]> {
  await db.query(
    `INSERT INTO municipality (ags, ars, name, name_raw, type_code, state_code, state_name, population, area_km2, latitude, longitude, degurba, source)
     SELECT s || lpad(g::text, 6, '9'), s || '0009' || lpad(g::text, 6, '9'), 'Teststadt ' || g, 'Teststadt ' || g || ', Stadt', 63, s,
            'Land ' || s, 5000 + (g * 7919) % 15000, 20 + (g * 31) % 80, 47.5 + (g * 13 % 70) / 10.0, 6.0 + (g * 17 % 90) / 10.0, 1 + g % 3, 'test'
     FROM generate_series(1, $1::int) AS g, LATERAL (SELECT lpad((1 + g % 16)::text, 2, '0') AS s) st`,
    [n],
  );
  const { rows } = await db.query(
    `INSERT INTO town (ags, status, capacity, decided_at) SELECT ags, 'verified', 1, now() FROM municipality WHERE source = 'test' AND name LIKE 'Teststadt %'
     ORDER BY ags RETURNING id`,
  );
  const topics = (await db.query(`SELECT slug FROM topic ORDER BY sort_order, slug`)).rows.map((r) => r.slug as string);
  const ids = rows.map((r) => r.id as string);
  const pick = (i: number, k: number) => topics[(i * (k + 3) + k * 5) % topics.length];
  const tt = ids.flatMap((id, i) => [...new Set([pick(i, 0), pick(i, 1), pick(i, 2)])].map((slug) => [id, slug]));
  await db.query(`INSERT INTO town_topic (town_id, topic_slug) SELECT * FROM unnest($1::uuid[], $2::varchar[])`, [
    tt.map((x) => x[0]),
    tt.map((x) => x[1]),
  ]);
  await db.query(
    `INSERT INTO town_challenge (town_id, topic_slug, text, urgency) SELECT id, slug, 'Eine Herausforderung', 2 FROM unnest($1::uuid[], $2::varchar[]) AS u(id, slug)`,
    [ids, ids.map((_, i) => pick(i, 3))],
  );
  await db.query(
    `INSERT INTO town_experience (town_id, topic_slug, tried, outcome) SELECT id, slug, 'Ein erprobter Ansatz', '' FROM unnest($1::uuid[], $2::varchar[]) AS u(id, slug)`,
    [ids, ids.map((_, i) => pick(i, 4))],
  );
  await db.query(`ANALYZE`);
  return ids;
}
