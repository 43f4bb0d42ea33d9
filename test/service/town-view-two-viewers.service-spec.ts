import { DataSource } from 'typeorm';
import { withCommands } from '../../src/commands/run-command';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { openDataSource } from '../../src/database/data-source';
import { TownViewRepository } from '../../src/municipalities/visibility/town-view.repository';
import { NETWORK_VIEWER, OFFICE_VIEWER } from '../../src/municipalities/visibility/town-visibility.util';
import { bootServices, type TestServices } from '../utils/boot-services';
import { MODES } from '../utils/test-stack';

// The tandem page reads both towns once and projects them twice (issue 29): for its reader, and the topics both towns
// read. Each projection keeps to its own viewer's clearance.
describe.each(MODES)('town view: one read, two viewers (real database; %s mode)', (mode) => {
  let t: TestServices;
  let ds: DataSource;

  beforeAll(async () => {
    t = await bootServices('townviewtwo', {}, { mode });
    ds = await openDataSource(t.databaseUrl);
    await withCommands((c) => c.get(DemoSeedService).seed());
  });
  afterAll(async () => {
    await ds?.destroy();
    await t?.close();
  });

  it('shows the office a topic kept from the network, and leaves it out of the network’s topics', async () => {
    const [a, b] = (await ds.query(`SELECT id FROM town WHERE status = 'verified' ORDER BY id LIMIT 2`)).map((r: { id: string }) => r.id);
    const [x, y] = (await ds.query(`SELECT slug FROM topic WHERE active ORDER BY slug LIMIT 2`)).map((r: { slug: string }) => r.slug);
    for (const id of [a, b]) {
      for (const table of ['town_topic', 'town_challenge', 'town_experience'])
        await ds.query(`DELETE FROM ${table} WHERE town_id = $1`, [id]);
    }
    await ds.query(`INSERT INTO town_topic (town_id, topic_slug) VALUES ($1, $2), ($3, $4)`, [a, x, b, y]);
    await ds.query(`UPDATE town SET visibility = '{"topics": "office"}' WHERE id = $1`, [a]);
    await ds.query(`UPDATE town SET visibility = '{}' WHERE id = $1`, [b]);

    const { profiles, topics } = await t.worker.get(TownViewRepository).profilesWithTopics(OFFICE_VIEWER, NETWORK_VIEWER, [b, a, b]);
    expect(profiles.map((p) => p.id)).toEqual([b, a]);
    expect(profiles[1].topics?.map((tp) => tp.slug)).toEqual([x]);
    expect(profiles[1].hiddenFields).toEqual([]);
    expect([...topics.get(a)!]).toEqual([]);
    expect([...topics.get(b)!]).toEqual([y]);
  });
});
