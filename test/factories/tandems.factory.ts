import request from 'supertest';
import { DataSource } from 'typeorm';
import { hashPassword } from '../../src/auth/password.util';
import { TEST_PASSWORD_HASH } from '../utils/test-env';
import { MatchingService } from '../../src/matching/matching.service';
import { MatchingRunner } from '../../src/matching/runs/matching-runner.service';
import { TestApp } from '../utils/boot-app';
import { waitFor } from '../utils/wait-for';
import { STRONG_PASSWORD } from './accounts.factory';

let hash: string | null = null;

/** A confirmed contact (mayor) of an existing (demo) town, straight into the database; its password is STRONG_PASSWORD. */
export async function insertContact(ds: DataSource, townId: string, email: string, name = 'Test Kontakt'): Promise<string> {
  hash ??= await hashPassword(STRONG_PASSWORD, TEST_PASSWORD_HASH);
  const [u] = await ds.query(
    `INSERT INTO user_account (email, password_hash, role, display_name, town_id, contact_function, email_confirmed_at)
     VALUES ($1, $2, 'town_contact', $3, $4, 'mayor', now()) RETURNING id`,
    [email, hash, name, townId],
  );
  return u.id as string;
}

/** A confirmed contact of an existing (demo) town, logged in through the API. */
export async function contactOf(t: TestApp, ds: DataSource, townId: string, email: string, name = 'Test Kontakt') {
  const userId = await insertContact(ds, townId, email, name);
  const agent = request.agent(t.url);
  await agent.post('/api/auth/login').send({ email, password: STRONG_PASSWORD }).expect(200);
  return { agent, userId, email, townId };
}

export async function townIdByName(ds: DataSource, name: string): Promise<string> {
  const [r] = await ds.query(`SELECT t.id FROM town t JOIN municipality m ON m.ags = t.ags WHERE m.name = $1`, [name]);
  if (!r) throw new Error(`No town named ${name}`);
  return r.id;
}

/** Suggestions (and optionally the tandem round) computed in the worker's service directly; the queue path has its own test. */
export async function computeMatching(
  t: Pick<TestApp, 'worker' | 'db'>,
  kinds: ('suggestions' | 'tandem_round')[] = ['suggestions'],
): Promise<void> {
  const matching = t.worker.get(MatchingService);
  const runner = t.worker.get(MatchingRunner);
  for (const kind of kinds) {
    // A run the app queued itself (e.g. after a tandem ended) holds the one running slot of its kind: let it finish.
    await waitFor(
      async () =>
        (await t.db.query(`SELECT count(*)::int AS n FROM matching_run WHERE kind = $1 AND status = 'running'`, [kind])).rows[0].n === 0,
      { timeoutMs: 60_000, what: `no ${kind} run in progress` },
    );
    const id = await matching.startRunRow(kind, 'test');
    await runner.execute(id);
  }
}

/** Polls until `check` returns a value (not undefined); fails with `what` after the deadline (test/utils/wait-for). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const found = await waitFor(
    async () => {
      const v = await check();
      return v === undefined ? undefined : { v };
    },
    { timeoutMs, what },
  );
  return found.v;
}
