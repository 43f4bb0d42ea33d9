import request from 'supertest';
import { hashPassword } from '../../src/auth/password.util';
import { TEST_PASSWORD_HASH } from '../utils/test-env';
import { createOfficeUser } from '../factories/directory.factory';
import { bootApp, TestApp } from '../utils/boot-app';

describe('session expiry slides without a database write on every request', () => {
  let t: TestApp;
  let agent: ReturnType<typeof request.agent>;
  const expiry = async () =>
    (await t.db.query(`SELECT extract(epoch FROM expire::timestamptz) * 1000 AS ms FROM http_session`)).rows.map((r) => Number(r.ms));

  beforeAll(async () => {
    t = await bootApp('sessiontouch');
    await createOfficeUser(t.db, 'office@touch.test', await hashPassword('Sicheres-Passwort-2024', TEST_PASSWORD_HASH));
    agent = request.agent(t.url);
    await agent.post('/api/auth/login').send({ email: 'office@touch.test', password: 'Sicheres-Passwort-2024' }).expect(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('leaves a fresh expiry alone, and extends one older than five minutes', async () => {
    const [atLogin] = await expiry();
    // Two minutes of sliding not yet written: below the threshold, so requests leave the row alone.
    await t.db.query(`UPDATE http_session SET expire = expire - interval '2 minutes'`);
    const [slightlyAged] = await expiry();
    await agent.get('/api/auth/me').expect(200);
    await agent.get('/api/auth/me').expect(200);
    expect(await expiry()).toEqual([slightlyAged]);

    // Ten more minutes: the next request writes the new expiry.
    await t.db.query(`UPDATE http_session SET expire = expire - interval '10 minutes'`);
    const [aged] = await expiry();
    await agent.get('/api/auth/me').expect(200);
    const [after] = await expiry();
    expect(after - aged).toBeGreaterThanOrEqual(10 * 60_000 - 5_000);
    expect(after).toBeGreaterThanOrEqual(atLogin);

    // An expired session is gone: the request is anonymous.
    await t.db.query(`UPDATE http_session SET expire = now() - interval '1 minute'`);
    await agent.get('/api/auth/me').expect(401);
  });
});
