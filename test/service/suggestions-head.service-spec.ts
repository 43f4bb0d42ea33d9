import { DataSource } from 'typeorm';
import { withCommands } from '../../src/commands/run-command';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { openDataSource } from '../../src/database/data-source';
import { MatchingRepository } from '../../src/matching/matching.repository';
import { bootServices, type TestServices } from '../utils/boot-services';
import { MODES } from '../utils/test-stack';

// What the suggestions API reads per request besides the kept list, in one statement (issue 29): the current suggestions
// run's head and the asking town's own hints (capacity, live tandems, empty profile), or no hints for a town the matcher
// does not see.
describe.each(MODES)('suggestions head: current run and own hints in one read (real database; %s mode)', (mode) => {
  let t: TestServices;
  let ds: DataSource;
  let repo: MatchingRepository;
  let town: string;
  let partner: string;

  beforeAll(async () => {
    t = await bootServices('suggestionshead', {}, { mode });
    ds = await openDataSource(t.databaseUrl);
    await withCommands((c) => c.get(DemoSeedService).seed());
    repo = t.worker.get(MatchingRepository);
    [town, partner] = (await ds.query(`SELECT id FROM town WHERE status = 'verified' ORDER BY id LIMIT 2`)).map(
      (r: { id: string }) => r.id,
    );
  });
  afterAll(async () => {
    await ds?.destroy();
    await t?.close();
  });

  it('names the current run, counts live tandems only and tells an empty profile from a filled one', async () => {
    await ds.query(`UPDATE town SET capacity = 2, opted_out = false, dormant_since = NULL WHERE id = $1`, [town]);
    await ds.query(`DELETE FROM tandem WHERE town_a = $1 OR town_b = $1`, [town]);
    for (const table of ['town_topic', 'town_challenge', 'town_experience'])
      await ds.query(`DELETE FROM ${table} WHERE town_id = $1`, [town]);
    // A done, current suggestions run (none may be current after the seed): the newest finished one is named.
    const current: { id: string }[] = await ds.query(
      `INSERT INTO matching_run (kind, status, trigger, weights, seed, is_current, finished_at)
       VALUES ('suggestions', 'done', 'office', '{}', 1, true, now() - interval '1 hour'), ('suggestions', 'done', 'office', '{}', 2, true, now())
       RETURNING id`,
    );

    const empty = await repo.suggestionsHead(town);
    expect(empty.run).toMatchObject({ id: current[1].id, kind: 'suggestions', status: 'done', seed: 2 });
    expect(empty.own).toEqual({ capacity: 2, tandems: 0, profileEmpty: true });

    // One challenge is a profile; an active tandem uses capacity, a concluded one does not.
    const [{ slug }] = await ds.query(`SELECT slug FROM topic ORDER BY slug LIMIT 1`);
    await ds.query(`INSERT INTO town_challenge (town_id, topic_slug, text, urgency) VALUES ($1, $2, 'Leerstand im Ortskern.', 2)`, [
      town,
      slug,
    ]);
    for (const state of ['active', 'concluded'])
      await ds.query(
        `INSERT INTO tandem (town_a, town_b, topic_slug, origin, state, request_message) VALUES ($1, $2, $3, 'request', $4, 'Austausch.')`,
        [town, partner, slug, state],
      );
    expect((await repo.suggestionsHead(town)).own).toEqual({ capacity: 2, tandems: 1, profileEmpty: false });

    // A paused town is not eligible: no hints, the run is still named.
    await ds.query(`UPDATE town SET opted_out = true WHERE id = $1`, [town]);
    const paused = await repo.suggestionsHead(town);
    expect(paused.own).toBeNull();
    expect(paused.run?.id).toBe(current[1].id);
  });

  it('answers no run when none is current', async () => {
    await ds.query(`UPDATE matching_run SET is_current = false WHERE kind = 'suggestions'`);
    const head = await repo.suggestionsHead(partner);
    expect(head.run).toBeNull();
    expect(head.own).not.toBeNull();
  });
});
