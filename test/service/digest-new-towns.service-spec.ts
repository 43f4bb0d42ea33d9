import { DataSource } from 'typeorm';
import { withCommands } from '../../src/commands/run-command';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { openDataSource } from '../../src/database/data-source';
import { DigestRepository } from '../../src/digests/digest.repository';
import { bootServices, type TestServices } from '../utils/boot-services';
import { MODES } from '../utils/test-stack';

const DAY = 24 * 3600_000;

// The digest's "Neu im Netzwerk zu Ihren Themen" read (rewritten for networks ten times today's, issue 29): per asking
// town, towns verified since its last digest that show a shared topic to the network, newest first, with the names of
// the shared topics only, never the asking town itself, at most `limit`.
describe.each(MODES)('digest: newly verified towns on the asking town’s topics (real database; %s mode)', (mode) => {
  let t: TestServices;
  let ds: DataSource;
  let ids: string[] = [];
  const topic: Record<string, { slug: string; name: string }> = {};

  async function setTown(id: string, daysAgo: number, slugs: string[], topicsVisibility?: string) {
    await ds.query(
      `UPDATE town SET status = 'verified', opted_out = false, decided_at = now() - make_interval(secs => $2),
              visibility = CASE WHEN $3::text IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('topics', $3::text) END
       WHERE id = $1`,
      [id, (daysAgo * DAY) / 1000, topicsVisibility ?? null],
    );
    await ds.query(`DELETE FROM town_topic WHERE town_id = $1`, [id]);
    await ds.query(`INSERT INTO town_topic (town_id, topic_slug) SELECT $1, unnest($2::varchar[])`, [id, slugs]);
  }

  beforeAll(async () => {
    t = await bootServices('digestnewtowns', {}, { mode });
    ds = await openDataSource(t.databaseUrl);
    await withCommands((c) => c.get(DemoSeedService).seed());
    const topics: { slug: string; name: string }[] = await ds.query(`SELECT slug, name FROM topic ORDER BY slug LIMIT 3`);
    [topic.a, topic.b, topic.c] = topics;
    ids = (await ds.query(`SELECT id FROM town ORDER BY id LIMIT 7`)).map((r: { id: string }) => r.id);
    // Everybody else joined long ago: only the towns set up below are news.
    await ds.query(`UPDATE town SET decided_at = now() - interval '90 days' WHERE status = 'verified'`);
  });
  afterAll(async () => {
    await ds?.destroy();
    await t?.close();
  });

  it('answers per ask: shared visible topics, newest first, not the asker, only since its last digest, at most the limit', async () => {
    const [asker, n1, n2, other, old, hidden, asker2] = ids;
    await setTown(asker, 0.5, [topic.a.slug, topic.b.slug]); // itself new this week, never its own news
    await setTown(n1, 1, [topic.a.slug, topic.c.slug]);
    await setTown(n2, 2, [topic.b.slug, topic.a.slug]);
    await setTown(other, 3, [topic.c.slug]); // no topic in common with the first asker
    await setTown(old, 30, [topic.a.slug]); // before the last digest
    await setTown(hidden, 0.2, [topic.a.slug], 'office'); // shows its topics to the office only
    await setTown(asker2, 40, [topic.c.slug]);
    const names: { id: string; name: string }[] = await ds.query(
      `SELECT t.id, m.name FROM town t JOIN municipality m ON m.ags = t.ags WHERE t.id = ANY($1::uuid[])`,
      [ids],
    );
    const nameOf = (id: string) => names.find((n) => n.id === id)!.name;
    const repo = t.worker.get(DigestRepository);
    const weekAgo = new Date(Date.now() - 7 * DAY);

    const [first, second, none] = await repo.newlyVerifiedOnTopics([
      { townId: asker, since: weekAgo },
      { townId: asker2, since: weekAgo },
      { townId: asker, since: new Date(Date.now() - 0.1 * DAY) },
    ]);
    expect(first.map((r) => ({ id: r.id, topics: r.topics }))).toEqual([
      { id: n1, topics: [topic.a.name] },
      { id: n2, topics: [topic.a.name, topic.b.name].sort() },
    ]);
    expect(first[0]).toMatchObject({ townId: asker, name: nameOf(n1), stateName: expect.any(String), population: expect.any(Number) });
    // The second asker shares only the third topic: the first new town and the one without the others' topics.
    expect(second.map((r) => ({ id: r.id, topics: r.topics }))).toEqual([
      { id: n1, topics: [topic.c.name] },
      { id: other, topics: [topic.c.name] },
    ]);
    // A last digest after every one of them: nothing.
    expect(none).toEqual([]);

    const [limited] = await repo.newlyVerifiedOnTopics([{ townId: asker, since: weekAgo }], 1);
    expect(limited.map((r) => r.id)).toEqual([n1]);
  });
});
