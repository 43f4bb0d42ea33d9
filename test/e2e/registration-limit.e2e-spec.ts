import request from 'supertest';
import argon2 from 'argon2';
import { STRONG_PASSWORD } from '../factories/accounts.factory';
import { insertMunicipalities, TEST_TOWNS } from '../factories/directory.factory';
import { bootApp, TestApp } from '../utils/boot-app';
import { formToken } from '../utils/csrf';

const LIMIT = 70;

describe('registration abuse: cheap checks first, a limit per client', () => {
  let t: TestApp;
  let sent = 0;

  beforeAll(async () => {
    t = await bootApp('reglimit', { REGISTRATION_RATE_LIMIT: String(LIMIT) });
    await insertMunicipalities(t, TEST_TOWNS);
  });
  afterAll(() => t?.close());

  const register = (body: Record<string, unknown>) => {
    sent++;
    return request(t.url)
      .post('/api/auth/register')
      .send({
        email: 'x@example.test',
        password: STRONG_PASSWORD,
        displayName: 'Anna Beispiel',
        contactFunction: 'mayor',
        privacyAccepted: true,
        ...body,
      });
  };

  it('refuses 64 registrations with an unknown AGS without hashing a password (argon2 never called)', async () => {
    // The app runs in this process: every password hash goes through argon2.hash, so counting its calls is exact.
    const hashes = jest.spyOn(argon2, 'hash');
    try {
      for (let batch = 0; batch < 8; batch++) {
        const answers = await Promise.all(
          Array.from({ length: 8 }, (_, i) => register({ ags: String(90000000 + batch * 8 + i), email: `u${batch}-${i}@example.test` })),
        );
        for (const a of answers) expect(a.status).toBe(404);
      }
      expect(hashes).not.toHaveBeenCalled();
      // The same count sees a registration that does hash (a known AGS), so the spy is not blind.
      const known = await register({ ags: TEST_TOWNS[2].ags, email: 'gezaehlt@example.test' });
      expect(known.status).toBe(201);
      expect(hashes).toHaveBeenCalledTimes(1);
    } finally {
      hashes.mockRestore();
    }
    expect(Number((await t.db.query(`SELECT count(*) FROM user_account`)).rows[0].count)).toBe(1);
  });

  it(`answers 429 after ${LIMIT} registrations per client within an hour, and stores nothing then`, async () => {
    while (sent < LIMIT) {
      const res = await register({ ags: TEST_TOWNS[2].ags, email: `ok${sent}@example.test` });
      expect(res.status).toBe(201);
    }
    const refused = await register({ ags: TEST_TOWNS[1].ags, email: 'zu-viel@example.test' });
    expect(refused.status).toBe(429);
    expect(Number((await t.db.query(`SELECT count(*) FROM user_account WHERE email = 'zu-viel@example.test'`)).rows[0].count)).toBe(0);
    // The page route shares the counter (one key for both routes), so switching routes gains nothing.
    const browser = request.agent(t.url);
    const _csrf = await formToken(browser);
    const page = await browser.post('/registrieren').type('form').send({
      _csrf,
      ags: TEST_TOWNS[1].ags,
      email: 'zu-viel@example.test',
      password: STRONG_PASSWORD,
      displayName: 'Anna Beispiel',
      contactFunction: 'mayor',
      privacyAccepted: 'ja',
    });
    expect(page.status).toBe(429);
    expect(Number((await t.db.query(`SELECT count(*) FROM user_account WHERE email = 'zu-viel@example.test'`)).rows[0].count)).toBe(0);
  });
});
