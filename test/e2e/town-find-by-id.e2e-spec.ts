import { DataSource } from 'typeorm';
import { TownRepository } from '../../src/municipalities/town.repository';
import { insertNetwork } from '../factories/network.factory';
import { bootApp, TestApp } from '../utils/boot-app';

// /meine-kommune and the town API read a town with its topics, challenges and experiences in one query (findOne
// with joined relations used to run a DISTINCT-id pre-query first).
describe('TownRepository.findById: one query', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp('townfind');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('loads the town with its profile parts in a single SELECT', async () => {
    const [id] = await insertNetwork(t.db, 3);
    const ds = t.app.get(DataSource);
    const queries: string[] = [];
    const runner = ds.createQueryRunner();
    const original = runner.query.bind(runner);
    runner.query = ((sql: string, ...rest: unknown[]) => {
      queries.push(sql);
      return (original as (...a: unknown[]) => Promise<unknown>)(sql, ...rest);
    }) as typeof runner.query;
    try {
      const town = await t.app.get(TownRepository).findById(id, runner.manager);
      expect(town?.id).toBe(id);
      expect(town!.topics.length).toBeGreaterThan(0);
      expect(town!.challenges).toHaveLength(1);
      expect(town!.experiences).toHaveLength(1);
      expect(queries.filter((q) => /^\s*SELECT/i.test(q))).toHaveLength(1);
      expect(await t.app.get(TownRepository).findById('00000000-0000-4000-8000-000000000000', runner.manager)).toBeNull();
    } finally {
      await runner.release();
    }
  });
});
