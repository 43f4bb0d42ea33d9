import request from 'supertest';
import { hashPassword } from '../../src/auth/password.util';
import { TEST_PASSWORD_HASH } from '../utils/test-env';
import { STRONG_PASSWORD } from './accounts.factory';
import { seedTowns, SeededTown } from './digest.factory';
import { createOfficeUser } from './directory.factory';
import { TestApp } from '../utils/boot-app';

type Agent = ReturnType<typeof request.agent>;
const DAY = 86_400_000;

/** "2027-03-04T10:00" in Berlin local time, `days` from now at `hour`. */
const berlinLocal = (days: number, hour = 10) =>
  `${new Date(Date.now() + days * DAY).toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00`;

/** Verified towns with one contact each (logged in on demand) and an office account, all with STRONG_PASSWORD. */
export async function eventScenario(t: TestApp, towns: number, prefix: string) {
  const hash = await hashPassword(STRONG_PASSWORD, TEST_PASSWORD_HASH);
  const seeded: SeededTown[] = await seedTowns(t.db, towns, { prefix });
  await t.db.query(`UPDATE user_account SET password_hash = $1 WHERE town_id IS NOT NULL`, [hash]);
  const officeEmail = `gs@${prefix}.test`;
  await createOfficeUser(t.db, officeEmail, hash);
  const login = async (email: string): Promise<Agent> => {
    const agent = request.agent(t.url);
    await agent.post('/api/auth/login').send({ email, password: STRONG_PASSWORD }).expect(200);
    return agent;
  };
  return { towns: seeded, officeEmail, office: await login(officeEmail), login };
}

/** A valid event body for the API (in person, places as given). */
export const eventBody = (over: Record<string, unknown> = {}) => ({
  kind: 'erfahrungswerkstatt',
  title: 'Leerstand gemeinsam angehen',
  description: 'Erfahrungen aus Kleinstädten mit leeren Läden am Markt.',
  format: 'in_person',
  address: 'Rathaus Müllrose, Markt 1, 15299 Müllrose',
  startsAt: berlinLocal(20),
  endsAt: berlinLocal(20, 16),
  registrationDeadline: berlinLocal(10),
  placesTotal: 3,
  placesPerTown: 2,
  topics: ['leerstand'],
  ...over,
});
