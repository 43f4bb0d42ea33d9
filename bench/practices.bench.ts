import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { openDataSource, runMigrations } from '../src/database/data-source';
import { mulberry32 } from '../src/matching/core/prng.util';
import { parseDestatis, readWorkbook } from '../src/municipalities/directory/destatis-parser.util';
import { TopicRepository } from '../src/municipalities/topic.repository';
import { PracticeRepository, type SearchFilters, type VersionContent } from '../src/practices/practice.repository';
import { contextOf, searchTexts } from '../src/practices/practice-search.util';
import { PRACTICE_ORIGIN_DE } from '../src/practices/practice-states.util';
import { generatePractices } from './practice-texts';

// npm run bench:practices — the Methodenkoffer's German full-text search (PracticeRepository.search: the weighted
// tsvector of the published versions, GIN index, websearch_to_tsquery('german'), ts_rank, at most 1,000 hits as the
// service asks) over generated published examples on PostgreSQL, against a plain ILIKE scan over the same fields
// measured in the same run. Prints a table and a last JSON line.
const XLSX = process.env.DESTATIS_XLSX ?? resolve(__dirname, '../../../shared/data/destatis/31122023_Auszug_GV.xlsx');
const PG_ADMIN = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const EXAMPLES = Number(process.env.BENCH_EXAMPLES ?? 20_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 7);
const LIMIT = 1000;
const DATABASE = `kt_bench_practices_${Date.now().toString(36)}${process.pid.toString(36)}`;

/** German queries as people type them: inflected forms, compounds, two words, a phrase, an exclusion. */
const QUERIES = [
  'Leerstände',
  'Radwege',
  'Dorfläden',
  'Bürgerräte',
  'Mitfahrbänke',
  'Spielplätze',
  'Jugendlichen',
  'Wärmeplanungen',
  'Fachkräfte',
  'ehrenamtliche',
  'Schwammstadt',
  'Bürgerbus Ortsteile',
  'Innenstadt beleben',
  'Genossenschaft Nahversorgung',
  '"digitale Verwaltung"',
  'Co-Working',
  'Starkregen Keller',
  'Bibliothek Treffpunkt',
  'Tourismus -Wanderwege',
  'Hausarztpraxis',
  // Selective: project names of the long tail, inflected (about 1 % of the examples each).
  'Schulgärten',
  'Mühlenlabors',
  'Hafenfeste',
  'Kirchcafés',
  'Bahnhofstreffs Jugendliche',
];

const dbUrl = (name: string) => {
  const u = new URL(PG_ADMIN);
  u.pathname = `/${name}`;
  return u.toString();
};
async function admin<T>(work: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: PG_ADMIN });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

/** The small towns of the directory as verified towns; the examples are spread over them. */
async function seedTowns(ds: DataSource): Promise<{ id: string; facts: Parameters<typeof contextOf>[0] }[]> {
  const records = parseDestatis(await readWorkbook(XLSX)).filter((r) => r.population >= 5000 && r.population < 20000);
  const col = <K extends keyof (typeof records)[number]>(k: K) => records.map((r) => r[k]);
  await ds.query(
    `INSERT INTO municipality (ags, ars, name, name_raw, type_code, state_code, state_name, population, area_km2, degurba, association_population)
     SELECT * FROM unnest($1::char(8)[], $2::char(12)[], $3::varchar[], $4::varchar[], $5::smallint[], $6::char(2)[], $7::varchar[],
       $8::int[], $9::numeric[], $10::smallint[], $11::int[])`,
    [
      col('ags'),
      col('ars'),
      col('name'),
      col('nameRaw'),
      col('typeCode'),
      col('stateCode'),
      col('stateName'),
      col('population'),
      col('areaKm2'),
      col('degurba'),
      col('associationPopulation'),
    ],
  );
  const towns: { id: string; ags: string }[] = await ds.query(
    `INSERT INTO town (ags, status, decided_at) SELECT unnest($1::char(8)[]), 'verified', now() RETURNING id, ags`,
    [col('ags')],
  );
  const byAgs = new Map(records.map((r) => [r.ags, r]));
  return towns.map((t) => {
    const r = byAgs.get(t.ags)!;
    return { id: t.id, facts: r };
  });
}

/** The examples as the service publishes them: the working copy, then version 1 through PracticeRepository.insertVersion. */
async function seedPractices(ds: DataSource, repo: PracticeRepository, towns: Awaited<ReturnType<typeof seedTowns>>): Promise<void> {
  const topicNames = new Map<string, string>(
    (await ds.query(`SELECT slug, name FROM topic`)).map((t: { slug: string; name: string }) => [t.slug, t.name]),
  );
  const [office] = await ds.query(
    `INSERT INTO user_account (email, password_hash, role, display_name) VALUES ('bench@koffer.test', 'x', 'office', 'Bench') RETURNING id`,
  );
  const rnd = mulberry32(7);
  const generated = generatePractices(EXAMPLES, 42);
  const BATCH = 500;
  for (let from = 0; from < generated.length; from += BATCH) {
    await ds.transaction(async (m) => {
      for (const g of generated.slice(from, from + BATCH)) {
        const town = towns[Math.floor(rnd() * towns.length)];
        const context = contextOf(town.facts);
        const id = await repo.insert(
          {
            townId: town.id,
            createdBy: office.id,
            origin: 'own',
            tandemId: null,
            workshopId: null,
            context,
            input: g.input,
            methodIds: [],
          },
          m,
        );
        const names = g.topics.map((t) => topicNames.get(t) ?? t);
        const content: VersionContent = {
          ...g.input,
          context,
          origin: 'own',
          originLabel: PRACTICE_ORIGIN_DE.own,
          topicNames: names,
          methodNames: [],
        };
        await repo.insertVersion(
          {
            practiceId: id!,
            version: 1,
            townId: town.id,
            content,
            methodIds: [],
            texts: searchTexts(g.input, context, names, []),
            publishedBy: office.id,
          },
          m,
        );
        await repo.setState(id!, 'published', { publishedVersion: 1 }, m);
      }
    });
    process.stdout.write(`\r  ${Math.min(from + BATCH, generated.length)} / ${generated.length} published`);
  }
  process.stdout.write('\n');
  await ds.query(`ANALYZE`);
}

/**
 * The baseline: every word of the query (quotes and a leading minus as websearch reads them, without stemming) as
 * ILIKE '%word%' over the same fields the search vector holds, newest first, the same limit.
 */
const ILIKE_TEXT = `concat_ws(' ', v.content->>'title', v.content->>'summary', v.content->>'challenges', v.content->>'topicNames',
  v.content->>'methodNames', v.content->>'steps', v.content->>'results', v.content->>'notWorked', v.content->>'transferConditions',
  v.content->'context'->>'townName', v.content->'context'->>'stateName')`;
function ilikeQuery(q: string): { sql: string; params: string[] } {
  const terms = [...q.matchAll(/(-?)"([^"]+)"|(-?)(\S+)/g)].map((m) => ({ not: !!(m[1] || m[3]), text: m[2] ?? m[4] }));
  const like = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const where = terms.map((t, i) => `${ILIKE_TEXT} ${t.not ? 'NOT ILIKE' : 'ILIKE'} $${i + 1}`).join(' AND ');
  return {
    sql: `SELECT v.practice_id AS "practiceId", v.version, v.town_id AS "townId", v.content, v.published_at AS "publishedAt"
          FROM practice_version v JOIN town t ON t.id = v.town_id AND t.status = 'verified'
          WHERE v.is_current AND ${where} ORDER BY v.published_at DESC, v.practice_id LIMIT ${LIMIT}`,
    params: terms.map((t) => like(t.text)),
  };
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};
const ms = (x: number) => x.toFixed(1);

async function main() {
  const t0 = Date.now();
  await admin((c) => c.query(`CREATE DATABASE "${DATABASE}"`));
  const databaseUrl = dbUrl(DATABASE);
  let ds: DataSource | undefined;
  try {
    await runMigrations(databaseUrl);
    ds = await openDataSource(databaseUrl);
    const repo = new PracticeRepository(ds, new TopicRepository(ds));
    const towns = await seedTowns(ds);
    console.log(`seeding ${DATABASE}: ${towns.length} verified small towns, ${EXAMPLES} published examples`);
    await seedPractices(ds, repo, towns);
    const [{ n: published }] = await ds.query(`SELECT count(*)::int AS n FROM practice_version WHERE is_current`);
    console.log(`seeded in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${published} current versions`);

    // Which plan PostgreSQL picks for the search's text condition: the GIN index where a query is selective; a scan
    // over the stored vectors (no parsing at query time) where a word is in several percent of the examples.
    const db = ds;
    const usesGin = async (q: string) => {
      const plan = await db.query<{ 'QUERY PLAN': string }[]>(
        `EXPLAIN SELECT 1 FROM practice_version v WHERE v.is_current AND v.search_vector @@ websearch_to_tsquery('german', $1)`,
        [q],
      );
      return plan.some((p) => p['QUERY PLAN'].includes('practice_version_search_idx'));
    };

    const filters = (q: string): SearchFilters => ({ q, topic: null, methodId: null, land: null, size: null, status: null });
    const fts: number[] = [];
    const ilike: number[] = [];
    const rows: { q: string; gin: boolean; ftsHits: number; ilikeHits: number; ftsMs: number[]; ilikeMs: number[] }[] = [];
    for (const q of QUERIES) rows.push({ q, gin: await usesGin(q), ftsHits: 0, ilikeHits: 0, ftsMs: [], ilikeMs: [] });
    // One warm-up round, then REPEATS rounds; within a round the two alternate per query, so load hits both alike.
    for (let round = 0; round <= REPEATS; round++) {
      for (const r of rows) {
        let t = performance.now();
        const a = await repo.search(filters(r.q), LIMIT);
        const ftsMs = performance.now() - t;
        const { sql, params } = ilikeQuery(r.q);
        t = performance.now();
        const b = await ds.query(sql, params);
        const ilikeMs = performance.now() - t;
        r.ftsHits = a.length;
        r.ilikeHits = b.length;
        if (round === 0) continue;
        r.ftsMs.push(ftsMs);
        r.ilikeMs.push(ilikeMs);
        fts.push(ftsMs);
        ilike.push(ilikeMs);
      }
    }

    const head = ['query', 'GIN', 'hits (search)', 'hits (ILIKE)', 'search p50 ms', 'ILIKE p50 ms'];
    const table = rows.map((r) => [
      r.q,
      r.gin ? 'yes' : 'no',
      String(r.ftsHits),
      String(r.ilikeHits),
      ms(quantile(r.ftsMs, 0.5)),
      ms(quantile(r.ilikeMs, 0.5)),
    ]);
    const summary = [
      ['all queries p50', '', '', '', ms(quantile(fts, 0.5)), ms(quantile(ilike, 0.5))],
      ['all queries p95', '', '', '', ms(quantile(fts, 0.95)), ms(quantile(ilike, 0.95))],
    ];
    const widths = head.map((h, i) => Math.max(h.length, ...[...table, ...summary].map((r) => r[i].length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
    console.log(`\n${QUERIES.length} German queries × ${REPEATS} rounds (after one warm-up round), at most ${LIMIT} hits each`);
    console.log(line(head));
    console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
    for (const r of [...table, ...summary]) console.log(line(r));
    const p50 = { fts: quantile(fts, 0.5), ilike: quantile(ilike, 0.5) };
    const p95 = { fts: quantile(fts, 0.95), ilike: quantile(ilike, 0.95) };
    console.log(
      `ILIKE / search: p50 ${(p50.ilike / p50.fts).toFixed(1)}×, p95 ${(p95.ilike / p95.fts).toFixed(1)}×; hits ${rows.reduce((s, r) => s + r.ftsHits, 0)} (search) against ${rows.reduce((s, r) => s + r.ilikeHits, 0)} (ILIKE, no stemming)`,
    );
    console.log(
      JSON.stringify({
        examples: published,
        queries: QUERIES.length,
        repeats: REPEATS,
        queries_on_gin_index: rows.filter((r) => r.gin).length,
        search_p50_ms: +p50.fts.toFixed(2),
        search_p95_ms: +p95.fts.toFixed(2),
        ilike_p50_ms: +p50.ilike.toFixed(2),
        ilike_p95_ms: +p95.ilike.toFixed(2),
        ratio_p50: +(p50.ilike / p50.fts).toFixed(2),
        ratio_p95: +(p95.ilike / p95.fts).toFixed(2),
        search_hits: rows.reduce((s, r) => s + r.ftsHits, 0),
        ilike_hits: rows.reduce((s, r) => s + r.ilikeHits, 0),
      }),
    );
  } finally {
    await ds?.destroy();
    if (!process.env.BENCH_KEEP_DB)
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`)).catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
